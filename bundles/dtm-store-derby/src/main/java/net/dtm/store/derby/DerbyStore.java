package net.dtm.store.derby;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import net.dtm.api.DeviceCredential;
import net.dtm.api.DeviceId;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.EnrolmentKeyStore;
import net.dtm.spi.store.LeaseCounts;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.StoreBackup;
import net.dtm.spi.store.StoreCommitMetrics;
import net.dtm.spi.store.StoreUnavailableException;

/**
 * The standalone store: pools, leases, devices and enrolment keys in an embedded Derby database.
 * <p>
 * Portable SQL only (plain tables, primary keys, unique constraints, foreign keys, plain indexes,
 * no stored procedures, no vendor types) so the engine can be exchanged; the schema is in
 * {@link DerbySchema}. The pool catalogue is {@link DerbyPools}, the bindings and their lock
 * {@link DerbyLeases}, the devices {@link DerbyDevices}, the enrolment keys {@link #enrolmentKeys()}
 * ({@link DerbyEnrolmentKeys}); all run their statements through
 * {@link DerbyConnections}. Addresses are stored as {@link AddressHex}.
 * <p>
 * Writes go through a {@link GroupCommitWriter}: its threads and two connections of their own run
 * all writes, one batch at a time, and concurrent writes share one commit (one log sync with
 * Derby's default durability); no call returns before its commit. With group commit off
 * (constructor flag, or the system property {@value #GROUP_COMMIT_PROPERTY}{@code =false}) every
 * write is its own transaction on a pooled connection, committed and synced on its own. Reads use
 * a small pool of connections in auto-commit mode at read committed and never see uncommitted
 * writes. Lock timeouts and deadlocks are retried a few times; a lost
 * database is reported as {@link StoreUnavailableException}. The class is safe for many threads.
 */
public final class DerbyStore implements LeaseStore, DeviceStore, StoreBackup, AutoCloseable {

    /** System property: {@code false} turns group commit off for stores built without the flag. */
    public static final String GROUP_COMMIT_PROPERTY = "dtm.store.derby.groupCommit";

    private final DerbyConnections db;
    private final DerbyPools pools;
    private final DerbyLeases leases;
    private final DerbyDevices devices;
    private final DerbyEnrolmentKeys enrolmentKeys;

    /**
     * Opens (creating if needed) the database in {@code directory}, creating or migrating the
     * schema; group commit is on unless the system property {@value #GROUP_COMMIT_PROPERTY} is
     * {@code false}.
     *
     * @throws StoreUnavailableException if the database cannot be opened
     */
    public DerbyStore(Path directory) {
        this(directory, groupCommitByDefault());
    }

    /**
     * Opens the database in {@code directory}; {@code groupCommit} false makes every write its own
     * synced transaction (the behaviour before group commit, kept for comparison).
     *
     * @throws StoreUnavailableException if the database cannot be opened
     */
    public DerbyStore(Path directory, boolean groupCommit) {
        this(directory, groupCommit, GroupCommitWriter.DEFAULT_MAX_BATCH, GroupCommitWriter.NONE);
    }

    /** With the batch bound and test hooks of the group-commit writer. */
    DerbyStore(Path directory, boolean groupCommit, int maxBatch, GroupCommitWriter.Hooks hooks) {
        this(new DerbyConnections(directory, groupCommit, maxBatch, hooks));
    }

    /**
     * Opens the database in {@code directory} encrypted under the key in {@code encryptionKeyFile}
     * (a file its owner alone may read): a new database is created encrypted, an unencrypted one
     * is encrypted as it opens, an encrypted one opens only with its key. Group commit as in
     * {@link #DerbyStore(Path)}.
     *
     * @throws IllegalArgumentException  if the key file is missing, open to the group or others, or too short
     * @throws StoreUnavailableException if the database cannot be opened (for example with another key)
     */
    public static DerbyStore encrypted(Path directory, Path encryptionKeyFile) {
        return new DerbyStore(new DerbyConnections(directory, groupCommitByDefault(),
                GroupCommitWriter.DEFAULT_MAX_BATCH, GroupCommitWriter.NONE, DerbyEncryption.fromKeyFile(encryptionKeyFile)));
    }

    /** Group commit unless the system property {@value #GROUP_COMMIT_PROPERTY} is {@code false}. */
    private static boolean groupCommitByDefault() {
        return !"false".equalsIgnoreCase(System.getProperty(GROUP_COMMIT_PROPERTY, "true").trim());
    }

    private DerbyStore(DerbyConnections db) {
        this.db = db;
        ExpiryIndex expiries = new ExpiryIndex();
        this.pools = new DerbyPools(db, expiries);
        this.leases = new DerbyLeases(db, expiries);
        this.devices = new DerbyDevices(db);
        this.enrolmentKeys = new DerbyEnrolmentKeys(db);
    }

    /** The database directory. */
    public Path directory() {
        return db.directory();
    }

    /** True if concurrent writes share commits. */
    public boolean groupCommit() {
        return db.writer() != null;
    }

    /**
     * Bounds every later wait for a commit (default 5 s): a write not committed by then fails with
     * {@link StoreUnavailableException} (saying whether it was stored: not at all if it had not
     * started, else entirely or not at all once the stalled commit ends), and the store refuses
     * writes until that commit ends. With group commit off a write commits on its caller's thread,
     * unbounded (a mode kept for comparison only).
     *
     * @throws IllegalArgumentException if not positive
     */
    public void commitWait(Duration bound) {
        if (bound.isNegative() || bound.isZero()) {
            throw new IllegalArgumentException("commit wait must be positive, got " + bound);
        }
        if (db.writer() != null) {
            db.commitWait(bound);
        }
    }

    /** The group-commit writer, or null when group commit is off (tests and the benchmark). */
    GroupCommitWriter writer() {
        return db.writer();
    }

    /**
     * What group commit has done since the store opened (for benchmarks and diagnosis).
     *
     * @param commits        batches committed
     * @param writes         writes in those batches
     * @param statementNanos time spent running their statements
     * @param commitNanos    time spent committing them (the log sync)
     */
    public record CommitStats(long commits, long writes, long statementNanos, long commitNanos) {

        /** Mean writes per commit, 0 before the first commit. */
        public double meanBatch() {
            return commits == 0 ? 0 : (double) writes / commits;
        }
    }

    /** Group commit's figures, or empty when group commit is off. */
    public Optional<CommitStats> commitStats() {
        return db.writer() == null ? Optional.empty()
                : Optional.of(new CommitStats(db.writer().batches(), db.writer().writes(), db.writer().runNanos(), db.writer().commitNanos()));
    }

    @Override public void createPool(Pool pool) { pools.createPool(pool); }
    @Override public void updatePool(Pool pool) { pools.updatePool(pool); }
    @Override public boolean deletePool(String name) { return pools.deletePool(name); }
    @Override public List<Pool> pools() { return pools.pools(); }
    @Override public Optional<Pool> pool(String name) { return pools.pool(name); }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if the pool does not exist
     */
    @Override public BindResult tryBind(Lease proposed) { return leases.tryBind(proposed); }
    @Override public Optional<Lease> update(Lease updated, long expectedSequence) { return leases.update(updated, expectedSequence); }
    @Override public CompletableFuture<BindResult> tryBindAsync(Lease proposed) { return leases.tryBindAsync(proposed); }
    @Override public CompletableFuture<Optional<Lease>> updateAsync(Lease updated, long expectedSequence) { return leases.updateAsync(updated, expectedSequence); }
    @Override public boolean remove(String pool, DeviceId device, long expectedSequence) { return leases.remove(pool, device, expectedSequence); }
    @Override public Optional<Lease> findByDevice(String pool, DeviceId device) { return leases.findByDevice(pool, device); }
    @Override public Optional<Lease> findByAddress(String pool, InetAddress address) { return leases.findByAddress(pool, address); }
    @Override public List<Lease> leases(String pool) { return leases.leases(pool); }
    @Override public List<Lease> leases(String pool, InetAddress after, int limit) { return leases.leases(pool, after, limit); }
    @Override public List<Lease> reclaimable(String pool, Instant boundary, int limit) { return leases.reclaimable(pool, boundary, limit); }
    @Override public void forEachAddress(String pool, Consumer<InetAddress> sink) { leases.forEachAddress(pool, sink); }

    /**
     * {@inheritDoc}
     * <p>
     * A handful of {@code COUNT(*)} statements over indexes, never over the rows (see
     * {@link DerbyLeases#countLeases}).
     */
    @Override public LeaseCounts countLeases(String pool, Instant now, Instant quarantineBoundary) {
        return leases.countLeases(pool, now, quarantineBoundary);
    }

    @Override public boolean add(DeviceCredential credential) { return devices.add(credential); }
    @Override public Optional<DeviceCredential> find(DeviceId id) { return devices.find(id); }
    @Override public List<DeviceCredential> list() { return devices.list(); }
    @Override public boolean remove(DeviceId id) { return devices.remove(id); }

    /** {@inheritDoc} One UPDATE conditioned on the whole expected record. */
    @Override public boolean replace(DeviceCredential expected, DeviceCredential updated) { return devices.replace(expected, updated); }

    /** {@inheritDoc} In-process: the listener runs on the thread whose change committed, before its call returns. */
    @Override public Optional<Subscription> addDeviceListener(Listener listener) { return Optional.of(devices.addListener(listener)); }

    /**
     * {@inheritDoc}
     * <p>
     * Derby's online backup ({@link DerbyBackup}): the copy is {@code <directory>/<database folder name>}.
     */
    @Override
    public Path backup(Path directory) {
        return DerbyBackup.backup(db, directory);
    }

    /** Every commit's time and batch size: the store's {@code dtm_store_commit_*} figures. */
    public StoreCommitMetrics commitMetrics() {
        return db.metrics();
    }

    /**
     * The enrolment keys in this database: a store of its own (its methods' names clash with the
     * device store's), sharing this one's connections, writer and life cycle.
     */
    public EnrolmentKeyStore enrolmentKeys() {
        return enrolmentKeys;
    }

    /**
     * Refuses new calls, finishes the writes already queued (their callers get their results as
     * usual), closes every connection and shuts the database down. Later calls fail with
     * StoreUnavailableException.
     */
    @Override
    public void close() {
        db.close();
    }
}
