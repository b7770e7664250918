package ai.maestro.auth.adapter.inbound.callback;

/** The small pages the browser shows after the redirect. Everything interpolated is HTML-escaped. */
final class CallbackPages {
    private CallbackPages() {
    }

    /** After the code was exchanged and the tokens stored; {@code who} (an email) may be empty. */
    static String success(String provider, String who) {
        return page("Signed in", "&#10003; Signed in to " + escape(provider) + (who.isEmpty() ? "" : " as " + escape(who)),
                "The tokens are stored. You can close this tab and return to the terminal.", "#1a7f37");
    }

    static String failure(String title, String detail) {
        return page(title, escape(title), escape(detail), "#cf222e");
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String page(String title, String heading, String body, String accent) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>maestro-auth: " + escape(title) + "</title><style>"
                + "body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;background:#f6f8fa;margin:0;"
                + "display:flex;align-items:center;justify-content:center;min-height:100vh;color:#1f2328}"
                + "main{background:#fff;border:1px solid #d0d7de;border-radius:12px;padding:2rem 2.5rem;"
                + "max-width:32rem;box-shadow:0 1px 3px rgba(0,0,0,.06)}"
                + "h1{font-size:1.4rem;margin:0 0 .75rem;color:" + accent + "}p{margin:0;line-height:1.5}"
                + "small{display:block;margin-top:1.25rem;color:#656d76}"
                + "</style></head><body><main><h1>" + heading + "</h1><p>" + body + "</p>"
                + "<small>maestro-auth</small></main></body></html>";
    }
}
