package net.dtm.config.ssh.testkit;

import java.util.Optional;

/**
 * A device played by {@link DeviceEmulatorServer}: its state (running configuration, timers) lives
 * here and outlives SSH sessions; each shell channel gets its own {@link EmulatedShell}.
 * Implementations must be thread-safe (the server calls them from its I/O threads).
 */
public interface EmulatedDevice {

    /** A new CLI session for one shell channel (its own mode, e.g. exec or config). */
    EmulatedShell openShell();

    /**
     * Runs {@code command} on an exec channel; empty if this device has no exec channel (the
     * server then fails the channel request, as IOS and VRP do).
     */
    default Optional<ExecOutcome> exec(String command) {
        return Optional.empty();
    }

    /**
     * The SSH session that belonged to a shell ended, cleanly or not (for example a dropped
     * connection: a device discards an unfinished candidate or reverts a safe-mode change here).
     */
    default void sessionEnded(EmulatedShell shell) {
    }
}
