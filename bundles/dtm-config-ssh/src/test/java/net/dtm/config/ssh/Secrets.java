package net.dtm.config.ssh;

/** Checks that no secret leaks into an exception's message, its causes' messages or toString. */
final class Secrets {

    private Secrets() {
    }

    /** True if any of {@code secrets} appears in {@code t} or its causes. */
    static boolean appearIn(Throwable t, String... secrets) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            for (String s : secrets) {
                if (String.valueOf(c.getMessage()).contains(s) || c.toString().contains(s)) {
                    return true;
                }
            }
        }
        return false;
    }
}
