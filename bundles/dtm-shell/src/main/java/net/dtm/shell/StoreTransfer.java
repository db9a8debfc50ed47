package net.dtm.shell;

import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceCredential;
import net.dtm.api.Lease;
import net.dtm.api.Pool;
import net.dtm.spi.store.BindResult;
import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.LeaseStore;

/**
 * Pools, devices and leases between a store and the export files, through the store SPI alone, so
 * that any store can be read and any store written: the export/import commands, and the migration
 * of a standalone node's Derby data into a cluster's ZooKeeper store (export on one, import on the
 * other). An import writes exactly what the file holds: a device with its keys and flags, a pool
 * with its whole definition, a lease with its address, state, sequence and expiry.
 */
final class StoreTransfer {

    /** Leases read per store call while exporting. */
    static final int PAGE = 1000;

    private StoreTransfer() {
    }

    /** Writes every lease of every pool, reporting every {@value Importer#PROGRESS_EVERY}; returns how many. */
    static int exportLeases(LeaseStore store, Writer out, Consumer<String> progress) throws IOException {
        LeaseFile.Out file = LeaseFile.Out.begin(out);
        for (Pool pool : store.pools()) {
            InetAddress after = null;
            while (true) {
                List<Lease> page = store.leases(pool.name(), after, PAGE);
                for (Lease l : page) {
                    file.add(l);
                    if (file.count() % Importer.PROGRESS_EVERY == 0) {
                        progress.accept("leases: " + file.count() + " written");
                    }
                }
                if (page.size() < PAGE) {
                    break;
                }
                after = page.get(page.size() - 1).address();
            }
        }
        file.end();
        return file.count();
    }

    /** Devices into {@code store}: an id enrolled with another key is a conflict. */
    static Importer.Kind<DeviceFile.Entry> devices(DeviceStore store) {
        return new Importer.Kind<>() {
            @Override public String noun() { return "devices"; }
            @Override public String describe(DeviceFile.Entry e) { return "device " + e.credential().device() + " (line " + e.line() + ")"; }

            @Override
            public boolean present(DeviceFile.Entry e) {
                Optional<DeviceCredential> stored = store.find(e.credential().device());
                if (stored.isEmpty()) {
                    return false;
                }
                if (e.keyGiven() && !Arrays.equals(stored.get().key(), e.credential().key())) {
                    throw new IllegalStateException("already enrolled with another key");
                }
                return true;
            }

            @Override
            public boolean write(DeviceFile.Entry e) {
                return store.add(e.credential());
            }
        };
    }

    /** Pools into {@code store}: a pool of the same name with another definition, or an overlapping prefix, is a conflict. */
    static Importer.Kind<Pool> pools(LeaseStore store) {
        return new Importer.Kind<>() {
            @Override public String noun() { return "pools"; }
            @Override public String describe(Pool p) { return "pool " + p.name(); }

            @Override
            public boolean present(Pool p) {
                Optional<Pool> stored = store.pool(p.name());
                if (stored.isPresent()) {
                    if (!stored.get().equals(p)) {
                        throw new IllegalStateException("a pool of this name exists with another definition ("
                                + stored.get().prefix() + ", lease " + stored.get().leaseSeconds() + " s)");
                    }
                    return true;
                }
                overlapCheck(p, store.pools());
                return false;
            }

            @Override
            public boolean write(Pool p) {
                try {
                    store.createPool(p, stored -> overlapCheck(p, stored));
                    return true;
                } catch (IllegalArgumentException | IllegalStateException e) {
                    return false;
                }
            }
        };
    }

    private static void overlapCheck(Pool p, List<Pool> stored) {
        for (Pool q : stored) {
            if (q.name().equals(p.name()) || q.prefix().overlaps(p.prefix())) {
                throw new IllegalStateException("prefix " + p.prefix() + " overlaps pool " + q.name() + " (" + q.prefix() + ")");
            }
        }
    }

    /**
     * Leases into {@code store}: their pools must exist (import the pools first); a device leasing
     * another address in the pool, or the address leased to another device, is a conflict.
     */
    static Importer.Kind<Lease> leases(LeaseStore store) {
        return new Importer.Kind<>() {
            @Override public String noun() { return "leases"; }
            @Override public String describe(Lease l) { return "lease of " + l.device() + " in pool " + l.pool(); }

            @Override
            public boolean present(Lease l) {
                Pool pool = store.pool(l.pool()).orElseThrow(
                        () -> new IllegalStateException("there is no pool " + l.pool() + " (import the pools first)"));
                if (!pool.prefix().contains(l.address())) {
                    throw new IllegalStateException("address " + Cidr.format(l.address()) + " is outside the pool's " + pool.prefix());
                }
                Optional<Lease> held = store.findByDevice(l.pool(), l.device());
                if (held.isPresent()) {
                    if (!held.get().address().equals(l.address())) {
                        throw new IllegalStateException("the device holds " + Cidr.format(held.get().address()) + " there");
                    }
                    return true;
                }
                Optional<Lease> other = store.findByAddress(l.pool(), l.address());
                if (other.isPresent()) {
                    throw new IllegalStateException("address " + Cidr.format(l.address()) + " is leased to " + other.get().device());
                }
                return false;
            }

            @Override
            public boolean write(Lease l) {
                return store.tryBind(l).outcome() == BindResult.Outcome.BOUND;
            }
        };
    }
}
