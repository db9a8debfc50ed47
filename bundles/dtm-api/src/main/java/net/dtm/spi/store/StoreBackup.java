package net.dtm.spi.store;

import java.nio.file.Path;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Online backup of a store, registered beside its {@link LeaseStore} by every store: a store kept
 * on the node's disk copies itself while it keeps serving; a store backed up by other means (a
 * replicated service with snapshots of its own) refuses and says what to back up instead.
 *
 * @since 2.5
 */
@ConsumerType
public interface StoreBackup {

    /**
     * Copies the whole store, consistent as of one instant, into a new folder inside
     * {@code directory} (created if missing), while the store keeps serving reads and writes.
     *
     * @return the folder the copy was written to; restoring it is described in the operations guide
     * @throws IllegalArgumentException      if {@code directory} cannot be used (e.g. it is a file, or
     *                                       already holds a backup of this store); nothing is written
     * @throws UnsupportedOperationException if this store is backed up by other means; the message
     *                                       says which
     * @throws StoreUnavailableException     if the store cannot be reached or the copy failed
     */
    Path backup(Path directory);
}
