package net.dtm.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import net.dtm.api.config.Transaction;
import net.dtm.config.fake.FakeAdapter;
import net.dtm.config.fake.FakeDevice;
import net.dtm.config.fake.ManualScheduler;
import net.dtm.api.fakes.SettableClock;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;

/**
 * A manager over a fake device with a hand-driven clock and scheduler; by default every step runs
 * on the calling thread, so a transaction that needs no timer is over when the call returns.
 */
final class Rig implements AutoCloseable {

    static final DeviceTarget TARGET = DeviceTarget.local(FakeAdapter.VENDOR);
    static final String DEVICE = "smr-1";

    final SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final FakeDevice device;
    final Path dir;
    final ConfigSettings settings;
    FakeAdapter adapter;
    ConfigurationManager manager;

    Rig(Path dir) {
        this(dir, ConfigSettings.defaults(dir), new FakeDevice(), Runnable::run, true);
    }

    Rig(Path dir, ConfigSettings settings, FakeDevice device, Executor executor, boolean withAdapter) {
        this.dir = dir;
        this.settings = settings;
        this.device = device;
        this.adapter = new FakeAdapter(device);
        this.manager = manager(executor);
        if (withAdapter) {
            manager.addAdapter(adapter, adapter.properties());
        }
    }

    ConfigurationManager manager(Executor executor) {
        try {
            return new ConfigurationManager(settings, clock, scheduler, executor);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the adapter (same device) with {@code next}. */
    void useAdapter(FakeAdapter next) {
        manager.removeAdapter(adapter);
        adapter = next;
        manager.addAdapter(adapter, adapter.properties());
    }

    /** Sets the intent and returns the outcome, which must be known already. */
    Transaction set(TunnelIntent intent) {
        return manager.setIntent(intent.name(), intent.role(), DEVICE, TARGET, Optional.of(intent), "test").getNow(null);
    }

    /** Sets the intent and waits (really) for its outcome: for executors with threads. */
    Transaction setAndWait(TunnelIntent intent) throws Exception {
        return manager.setIntent(intent.name(), intent.role(), DEVICE, TARGET, Optional.of(intent), "test")
                .get(10, TimeUnit.SECONDS);
    }

    Optional<TunnelIntent> state(String name) {
        return device.state(name, TunnelIntent.Role.DEVICE);
    }

    void advance(Duration d) {
        scheduler.advance(d);
    }

    @Override
    public void close() {
        manager.close();
    }
}
