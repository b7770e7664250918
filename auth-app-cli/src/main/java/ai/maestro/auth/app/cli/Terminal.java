package ai.maestro.auth.app.cli;

/**
 * Text that came from outside (a provider's error, an id_token's email, a pasted line) goes to the
 * terminal with its control characters escaped: an ESC or CR in it could retitle the window, clear
 * the screen or overwrite a line with a fake instruction.
 */
final class Terminal {
    private Terminal() {
    }

    /** C0 and C1 controls and DEL as {@code \xHH}; everything else as it is. */
    static String safe(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                out.append(String.format("\\x%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
