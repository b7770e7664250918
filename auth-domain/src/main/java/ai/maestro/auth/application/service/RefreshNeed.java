package ai.maestro.auth.application.service;

/**
 * Why a refresh is considered: a caller needs a token, the refresher runs early, a refresh is
 * forced, or the provider rejected a token (refresh unless the store already holds another).
 */
enum RefreshNeed { ON_DEMAND, EARLY, FORCED, REJECTED }
