package net.dtm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import net.dtm.api.config.Transaction;
import net.dtm.config.fake.ForwardingAdapter;
import net.dtm.config.fake.ForwardingSession;
import net.dtm.spi.config.Behaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.LinkSettingsBehaviour;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.VendorAdapter;

/** Adapters that throw where they should not, and storage that cannot be written. */
class FaultyPartsTest extends OnRig {

    @Test
    void anAdapterThatThrowsWhileRenderingFailsWithoutAChange() {
        use(new ForwardingAdapter(rig.adapter) {
            @Override
            public <B extends Behaviour> Optional<B> behaviour(Class<B> type) {
                if (type != LinkSettingsBehaviour.class) {
                    return super.behaviour(type);
                }
                return Optional.of(type.cast((LinkSettingsBehaviour) (name, mtu) -> {
                    throw new IllegalStateException("bug in setMtu");
                }));
            }
        });
        Transaction t = rig.set(v);
        assertEquals(Transaction.Result.FAILED, t.result());
        assertEquals("internal error: java.lang.IllegalStateException: bug in setMtu", t.detail());
        assertEquals(List.of(), rig.device.batches());
        assertEquals(0, rig.device.openSessions());
    }

    @Test
    void anAdapterThatThrowsInItsOwnValidationFails() {
        use(new ForwardingAdapter(rig.adapter) {
            @Override
            public <B extends Behaviour> Optional<B> behaviour(Class<B> type) {
                if (type != TunnelInterfaceBehaviour.class) {
                    return super.behaviour(type);
                }
                TunnelInterfaceBehaviour real = rig.adapter;
                return Optional.of(type.cast(java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {TunnelInterfaceBehaviour.class}, (p, m, a) -> {
                            if (m.getName().equals("validate")) {
                                throw new UnsupportedOperationException("validate not written yet");
                            }
                            return m.invoke(real, a);
                        })));
            }
        });
        Transaction t = rig.set(v);
        assertEquals(Transaction.Result.FAILED, t.result());
        assertTrue(t.detail().contains("validate not written yet"), t.detail());
    }

    @Test
    void aSessionThatThrowsWhileApplyingIsRolledBack() {
        use(new ForwardingAdapter(rig.adapter) {
            @Override
            public ConfigSession open(DeviceTarget target) throws ConfigException {
                return new ForwardingSession(super.open(target)) {
                    private boolean thrown;

                    @Override
                    public void apply(List<String> commands) throws ConfigException {
                        super.apply(commands);
                        if (!thrown) {
                            thrown = true;
                            throw new NullPointerException("adapter bug after the first batch");
                        }
                    }
                };
            }
        });
        Transaction t = rig.set(v);
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertTrue(t.detail().startsWith("adapter failed while applying: adapter bug after the first batch"), t.detail());
        assertTrue(t.restored());
        assertEquals(Optional.empty(), rig.state("dtm0"));
    }

    @Test
    void probeErrorsCountAsUnansweredAndAreReported() {
        use(new ForwardingAdapter(rig.adapter) {
            @Override
            public ConfigSession open(DeviceTarget target) throws ConfigException {
                return new ForwardingSession(super.open(target)) {
                    @Override
                    public boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException {
                        throw new ConfigException("ping: permission denied", false);
                    }
                };
            }
        });
        CompletableFuture<Transaction> f = rig.manager.setIntent("dtm0", v.role(), Rig.DEVICE, Rig.TARGET, Optional.of(v),
                "test");
        rig.advance(Duration.ofSeconds(15));
        Transaction t = f.getNow(null);
        assertEquals(Transaction.Result.ROLLED_BACK, t.result());
        assertTrue(t.detail().startsWith("no answer from 10.64.0.1 through dtm0 within 15 s (last probe failed: ping: "
                + "permission denied)"), t.detail());
    }

    @Test
    void anAdapterReturningNoSessionFails() {
        use(new ForwardingAdapter(rig.adapter) {
            @Override
            public ConfigSession open(DeviceTarget target) {
                return null;
            }
        });
        assertEquals("cannot open a session to the device: adapter fake returned no session", rig.set(v).detail());
    }

    @Test
    void aJournalThatCannotBeWrittenStopsBeforeAnyChange() throws IOException {
        Files.createDirectories(rig.settings.journalDirectory().resolve("dtm0.journal.tmp").resolve("blocker"));
        Transaction t = rig.set(v);
        assertEquals(Transaction.Result.FAILED, t.result());
        assertTrue(t.detail().startsWith("cannot write the crash journal, nothing was changed: "), t.detail());
        assertEquals(List.of(), rig.device.batches());
    }

    @Test
    void aHistoryThatCannotBeWrittenDoesNotStopTheChange() throws IOException {
        Files.createDirectories(rig.settings.historyDirectory().resolve("dtm0.history"));
        Transaction t = rig.set(v);
        assertEquals(Transaction.Result.CONFIRMED, t.result());
        assertEquals(0, t.number(), "not numbered: the entry could not be written");
        assertEquals(Optional.of(v), rig.state("dtm0"));
        assertEquals(0, rig.manager.ends().get(0).lastEntry(), "the view copes with the unreadable history");
    }

    private void use(VendorAdapter a) {
        rig.manager.removeAdapter(rig.adapter);
        rig.manager.addAdapter(a, rig.adapter.properties());
    }
}
