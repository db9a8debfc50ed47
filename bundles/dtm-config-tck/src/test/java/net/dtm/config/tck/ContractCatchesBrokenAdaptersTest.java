package net.dtm.config.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.engine.discovery.DiscoverySelectors;

import net.dtm.api.TunnelType;
import net.dtm.config.fake.FakeAdapter;
import net.dtm.config.fake.FakeDevice;
import net.dtm.config.fake.ForwardingAdapter;
import net.dtm.config.fake.ForwardingSession;
import net.dtm.spi.config.Behaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.WireGuardPeerBehaviour;

/**
 * The suite tested on adapters with one defect each, run through the JUnit launcher: each defect
 * must fail the tests that are about it, and only those.
 */
class ContractCatchesBrokenAdaptersTest {

    @Test
    void aCorrectAdapterPassesEverything() {
        assertEquals(Set.of(), failures(Correct.class));
    }

    @Test
    void aVendorPropertyThatDiffersFromVendorIsCaught() {
        Set<String> f = failures(VendorMismatch.class);
        f.removeIf(n -> n.startsWith("live")); // the core finds no adapter for the device: nothing live can pass
        assertEquals(Set.of("vendorPropertyIsPresentAndEqualsVendor()", "theCoreSelectsTheAdapterForItsVendor()"), f);
    }

    @Test
    void wireGuardWithoutItsBehaviourIsCaught() {
        Set<String> f = failures(WireGuardWithoutBehaviour.class);
        assertTrue(f.contains("wireGuardPeerBehaviourIsPresentExactlyWhenWireGuardIsSupported()"), f.toString());
        assertTrue(f.contains("sampleIntentsOfEverySupportedTypeAreValid()"), f.toString());
    }

    @Test
    void anMtuThatIsNotReadBackIsCaught() {
        Set<String> f = failures(MtuNotReadBack.class);
        assertTrue(f.containsAll(List.of("liveApplyReadsBackInSync()", "liveSecondApplyPushesNothing()",
                "liveMtuChangeSendsOnlyTheMtu()")), f.toString());
        assertTrue(f.stream().allMatch(n -> n.startsWith("live")), "offline tests cannot see a read-back defect: " + f);
    }

    @Test
    void aDeleteThatRemovesNothingIsCaught() {
        Set<String> f = failures(DeleteDoesNothing.class);
        assertTrue(f.contains("everySupportedTypeRendersNonEmptyDeterministicCommands()"), f.toString());
        assertTrue(f.contains("liveRemovalLeavesNoInterface()"), f.toString());
        assertTrue(f.contains("liveFailingCreateLeavesNoInterface()"), f.toString());
    }

    @Test
    void withoutALiveDeviceTheLiveTestsAreSkippedNotFailed() {
        Result r = run(NoLiveDevice.class);
        assertEquals(Set.of(), r.failed);
        assertEquals(8, r.skipped.size(), r.skipped.toString());
        assertTrue(r.skipped.stream().allMatch(n -> n.startsWith("live")), r.skipped.toString());
    }

    // ------------------------------------------------------------------ the broken adapters

    /** Shared: the fake device, its adapter (the correct one) and properties, a sample of each type. */
    abstract static class OnFake extends OnFakeDevice {
        OnFake() {
            super(new FakeAdapter(new FakeDevice()), "dtmx0");
        }
    }

    static class Correct extends OnFake {
    }

    static class VendorMismatch extends Correct {
        @Override
        protected Map<String, Object> serviceProperties() {
            return Map.of(VendorAdapter.PROP_VENDOR, "fake-os");
        }
    }

    static class NoLiveDevice extends Correct {
        @Override
        protected Optional<DeviceTarget> liveDevice() {
            return Optional.empty();
        }
    }

    static class WireGuardWithoutBehaviour extends OnFake {
        private final VendorAdapter adapter = new ForwardingAdapter(fake) {
            @Override
            public <B extends Behaviour> Optional<B> behaviour(Class<B> type) {
                return type == WireGuardPeerBehaviour.class ? Optional.empty() : super.behaviour(type);
            }
        };

        @Override
        protected VendorAdapter adapter() {
            return adapter;
        }
    }

    static class MtuNotReadBack extends OnFake {
        private final VendorAdapter adapter = new ForwardingAdapter(fake) {
            @Override
            public ConfigSession open(DeviceTarget target) throws ConfigException {
                return new ForwardingSession(super.open(target)) {
                    @Override
                    public Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
                        return super.read(name, role).map(i -> i.withMtu(1500));
                    }
                };
            }
        };

        @Override
        protected VendorAdapter adapter() {
            return adapter;
        }
    }

    static class DeleteDoesNothing extends OnFake {
        private final VendorAdapter adapter = new ForwardingAdapter(fake) {
            @Override
            public <B extends Behaviour> Optional<B> behaviour(Class<B> type) {
                if (type != TunnelInterfaceBehaviour.class) {
                    return super.behaviour(type);
                }
                return Optional.of(type.cast(new TunnelInterfaceBehaviour() {
                    @Override
                    public Set<TunnelType> types() {
                        return fake.types();
                    }

                    @Override
                    public List<String> validate(TunnelIntent intent) {
                        return fake.validate(intent);
                    }

                    @Override
                    public List<String> create(TunnelIntent intent) {
                        return fake.create(intent);
                    }

                    @Override
                    public List<String> update(TunnelIntent wanted, TunnelIntent running) {
                        return fake.update(wanted, running);
                    }

                    @Override
                    public boolean recreates(TunnelIntent wanted, TunnelIntent running) {
                        return fake.recreates(wanted, running);
                    }

                    @Override
                    public List<String> delete(String name) {
                        return List.of();
                    }
                }));
            }
        };

        @Override
        protected VendorAdapter adapter() {
            return adapter;
        }
    }

    // ------------------------------------------------------------------ running the suite

    private record Result(Set<String> failed, Set<String> skipped) {
    }

    private static Set<String> failures(Class<? extends VendorAdapterContract> suite) {
        return run(suite).failed;
    }

    private static Result run(Class<? extends VendorAdapterContract> suite) {
        Set<String> failed = new TreeSet<>();
        Set<String> skipped = new TreeSet<>();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(DiscoverySelectors.selectClass(suite)).build(),
                new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        if (id.isTest() && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                            (result.getStatus() == TestExecutionResult.Status.ABORTED ? skipped : failed)
                                    .add(id.getDisplayName());
                        }
                    }
                });
        return new Result(failed, skipped);
    }
}
