package net.dtm.spi.store;

import java.util.function.Consumer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented, besides {@link LeaseStore}, by stores shared between nodes: tells the pool manager
 * at once when another node creates, updates or deletes a pool.
 */
@ConsumerType
public interface PoolWatch {

    /** Calls {@code listener} with the pool's name (on a notification thread) after any change to a pool definition. */
    void addPoolListener(Consumer<String> listener);

    void removePoolListener(Consumer<String> listener);
}
