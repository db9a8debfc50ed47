package net.dtm.spi.config;

/**
 * A device could not be read or refused a change. {@link #rejected()} tells the core whether the
 * device refused the configuration itself (wrong value, unsupported command: retrying is useless)
 * or the channel failed (timeout, connection lost: the outcome must be re-read).
 */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean rejected;

    /**
     * @param message  what went wrong, for an operator; must not contain secrets
     * @param rejected true if the device refused the change, false if the channel failed
     */
    public ConfigException(String message, boolean rejected) {
        super(message);
        this.rejected = rejected;
    }

    /** As {@link #ConfigException(String, boolean)} with a cause. */
    public ConfigException(String message, boolean rejected, Throwable cause) {
        super(message, cause);
        this.rejected = rejected;
    }

    /** True if the device refused the configuration, false if the channel failed. */
    public boolean rejected() {
        return rejected;
    }
}
