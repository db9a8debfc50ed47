package net.dtm.spi.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A connection to one device for the length of a transaction. Not shared between threads.
 */
@ConsumerType
public interface ConfigSession extends AutoCloseable {

    /**
     * Reads and parses the running state of tunnel interface {@code name} into the intent
     * vocabulary (every field the intent has: the core diffs field by field, so a field an adapter
     * fails to read back would show as a change on every apply); empty if there is no such interface.
     * {@link TunnelIntent#role()} is copied from {@code role}, which the device does not store.
     * Two conventions for what a device cannot report: a peer inner address it cannot read (no
     * routes to take it from) comes back as the unspecified address ({@code 0.0.0.0} or {@code ::};
     * the core compares it only when both sides have routes), and a WireGuard private key file
     * comes back as an empty path (the core never compares it).
     *
     * @throws ConfigException if the state cannot be read
     */
    Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException;

    /**
     * Names of the tunnel interfaces present whose name starts with {@code prefix}: what DTM built
     * (the core reconciles them at start and removes any it does not account for).
     */
    List<String> list(String prefix) throws ConfigException;

    /**
     * Problems the device itself shows with {@code intent}, checked before anything changes: the
     * local outer address is not configured here, the remote endpoint has no route, the
     * encapsulation's kernel module or feature is missing... Each a sentence for an operator;
     * empty when none. Must not change the device.
     *
     * @throws ConfigException if the device cannot be read
     */
    default List<String> check(TunnelIntent intent) throws ConfigException {
        return List.of();
    }

    /**
     * Applies {@code commands} (rendered by this adapter's behaviours) as one batch, in order,
     * stopping at the first the device refuses.
     *
     * @throws ConfigException rejected = true when the device refused a command (its own error text
     *                         in the message), false when the channel failed
     */
    void apply(List<String> commands) throws ConfigException;

    /**
     * Sends traffic through the tunnel of {@code intent} to its {@link TunnelIntent#peerInner()}
     * and reports whether an answer came back within {@code timeout}.
     */
    boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException;

    /** Ends the session. Never throws. */
    @Override
    void close();
}
