package ai.maestro.auth.application.service;

import ai.maestro.auth.domain.error.ProviderUnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One piece of work per key at a time in this process: whoever comes while it runs waits (at most
 * {@code joinWait}) and shares its result or its failure.
 */
final class SingleFlight<K, V> {
    private final Map<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();
    private final Duration joinWait;

    SingleFlight(Duration joinWait) {
        this.joinWait = joinWait;
    }

    V run(K key, Supplier<V> work) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return await(running);
        }
        try {
            V result = work.get();
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private V await(CompletableFuture<V> running) {
        try {
            return running.get(joinWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException("refresh failed", e.getCause());
        } catch (TimeoutException e) {
            throw new ProviderUnavailableException("a token refresh is still running after " + joinWait.toSeconds()
                    + " s", null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderUnavailableException("interrupted while waiting for a token refresh", null, e);
        }
    }
}
