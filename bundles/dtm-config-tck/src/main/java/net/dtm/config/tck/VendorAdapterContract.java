package net.dtm.config.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.TunnelType;
import net.dtm.api.config.AdapterInfo;
import net.dtm.api.config.Transaction;
import net.dtm.config.AdapterRegistry;
import net.dtm.config.ConfigSettings;
import net.dtm.config.ConfigurationManager;
import net.dtm.config.IntentDiff;
import net.dtm.config.IntentValidator;
import net.dtm.config.Renderer;
import net.dtm.spi.config.AddressingBehaviour;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.LinkSettingsBehaviour;
import net.dtm.spi.config.RouteBehaviour;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.WireGuardPeerBehaviour;

/**
 * The contract every {@link VendorAdapter} must pass, run through the DTM core's own renderer,
 * validator and safe transaction. Extend it in the adapter's tests:
 *
 * <pre>
 * class LinuxAdapterContractTest extends VendorAdapterContract {
 *     protected VendorAdapter adapter() { return new LinuxAdapter(...); }
 *     protected Map&lt;String, Object&gt; serviceProperties() { return Map.of(VendorAdapter.PROP_VENDOR, "linux"); }
 *     protected Optional&lt;DeviceTarget&gt; liveDevice() { return Optional.empty(); } // or a lab device
 *     protected TunnelIntent sampleIntent(TunnelType type) { ... }
 * }
 * </pre>
 *
 * The offline tests check the service properties, the behaviours and their rendering. The live
 * tests change a real device (probing disabled): they run only when {@link #liveDevice()} names
 * one, and skip with the reason otherwise. Before and after each live test the sample interface is
 * removed and {@link #resetLiveDevice()} is called.
 */
public abstract class VendorAdapterContract {

    private static final Duration LIVE_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path state;

    private ConfigurationManager manager;
    private boolean touchedLiveDevice;

    /** The adapter under test; may be a new object on every call or the same one. */
    protected abstract VendorAdapter adapter();

    /** The service properties the adapter is published with. */
    protected abstract Map<String, Object> serviceProperties();

    /** A device the suite may change, or empty to skip the live tests. */
    protected abstract Optional<DeviceTarget> liveDevice();

    /**
     * A valid intent of {@code type} (one of the adapter's types) for this device; for the live
     * device, with addresses that exist there. Its name is the interface the live tests build and remove.
     */
    protected abstract TunnelIntent sampleIntent(TunnelType type);

    /** Puts the live device back into its starting state; called before and after each live test. */
    protected void resetLiveDevice() {
    }

    /** The type the live tests use: VXLAN when supported, otherwise the first the adapter supports. */
    protected TunnelType liveType() {
        Set<TunnelType> types = tunnel().types();
        return types.contains(TunnelType.VXLAN) ? TunnelType.VXLAN
                : types.stream().sorted().findFirst().orElseThrow(() -> new AssertionError("the adapter supports no type"));
    }

    // ------------------------------------------------------------------ offline

    @Test
    void vendorPropertyIsPresentAndEqualsVendor() {
        Object vendor = serviceProperties().get(VendorAdapter.PROP_VENDOR);
        assertNotNull(vendor, "service property " + VendorAdapter.PROP_VENDOR + " is missing");
        assertEquals(adapter().vendor(), vendor, VendorAdapter.PROP_VENDOR + " must equal vendor()");
        assertEquals(adapter().vendor().toLowerCase(java.util.Locale.ROOT), adapter().vendor(), "vendor names are lowercase");
    }

    @Test
    void theCoreSelectsTheAdapterForItsVendor() {
        AdapterRegistry registry = new AdapterRegistry();
        VendorAdapter a = adapter();
        registry.add(a, serviceProperties());
        assertEquals(List.of(a.vendor()), registry.adapters().stream().map(AdapterInfo::vendor).toList(),
                "the core files the adapter under another vendor");
        liveDevice().ifPresent(target -> assertSame(a, registry.select(target).orElseThrow(() -> new AssertionError(
                "the core does not select this adapter for the live device " + target + " with " + serviceProperties()))));
    }

    @Test
    void theFourRequiredBehavioursArePresent() {
        VendorAdapter a = adapter();
        assertTrue(a.behaviour(TunnelInterfaceBehaviour.class).isPresent(), "TunnelInterfaceBehaviour is required");
        assertTrue(a.behaviour(AddressingBehaviour.class).isPresent(), "AddressingBehaviour is required");
        assertTrue(a.behaviour(RouteBehaviour.class).isPresent(), "RouteBehaviour is required");
        assertTrue(a.behaviour(LinkSettingsBehaviour.class).isPresent(), "LinkSettingsBehaviour is required");
        assertFalse(tunnel().types().isEmpty(), "the adapter must support at least one type");
    }

    @Test
    void wireGuardPeerBehaviourIsPresentExactlyWhenWireGuardIsSupported() {
        boolean type = tunnel().types().contains(TunnelType.WIREGUARD);
        boolean behaviour = adapter().behaviour(WireGuardPeerBehaviour.class).isPresent();
        assertEquals(type, behaviour, type ? "WIREGUARD is a type but WireGuardPeerBehaviour is missing"
                : "WireGuardPeerBehaviour is offered but WIREGUARD is not a type");
    }

    @Test
    void minimumMtusAreSane() {
        LinkSettingsBehaviour link = adapter().behaviour(LinkSettingsBehaviour.class).orElseThrow();
        assertTrue(link.minimumMtu(false) >= 68 && link.minimumMtu(false) <= 1500, "IPv4 minimum MTU " + link.minimumMtu(false));
        assertTrue(link.minimumMtu(true) >= 1280 && link.minimumMtu(true) <= 1500, "IPv6 minimum MTU " + link.minimumMtu(true));
    }

    @Test
    void sampleIntentsOfEverySupportedTypeAreValid() {
        VendorAdapter a = adapter();
        for (TunnelType t : tunnel().types()) {
            TunnelIntent sample = sampleIntent(t);
            assertEquals(t, sample.type(), "sampleIntent(" + t + ") returned another type");
            assertEquals(List.of(), new IntentValidator().validate(sample, a), "sampleIntent(" + t + ") is not valid");
        }
    }

    @Test
    void everySupportedTypeRendersNonEmptyDeterministicCommands() {
        for (TunnelType t : tunnel().types()) {
            TunnelIntent sample = sampleIntent(t);
            List<String> create = render(Optional.of(sample), Optional.empty());
            assertFalse(create.isEmpty(), t + ": creating renders no command");
            assertEquals(create, render(Optional.of(sample), Optional.empty()), t + ": rendering is not deterministic");
            create.forEach(c -> assertFalse(c == null || c.isBlank(), t + ": a blank command in " + create));
            TunnelIntent other = sample.withMtu(otherMtu(sample));
            List<String> mtu = render(Optional.of(other), Optional.of(sample));
            assertEquals(adapter().behaviour(LinkSettingsBehaviour.class).orElseThrow().setMtu(sample.name(), other.mtu()),
                    mtu, t + ": an MTU change must render only the MTU commands");
            assertFalse(render(Optional.empty(), Optional.of(sample)).isEmpty(), t + ": removing renders no command");
            assertEquals(List.of(), render(Optional.of(sample), Optional.of(sample)), t + ": no change must render nothing");
        }
    }

    @Test
    void validateRefusesASixteenCharacterName() {
        TunnelIntent s = sampleIntent(liveType());
        TunnelIntent longName = new TunnelIntent("dtm-0123456789ab", s.role(), s.type(), s.localOuter(), s.remoteOuter(),
                s.key(), s.innerAddress(), s.prefixLength(), s.peerInner(), s.routes(), s.mtu(), s.wireGuard(),
                s.persistentKeepaliveSeconds());
        assertEquals(16, longName.name().length());
        List<String> problems = new IntentValidator().validate(longName, adapter());
        assertTrue(problems.stream().anyMatch(p -> p.contains("dtm-0123456789ab")), () -> "not refused: " + problems);
    }

    // ------------------------------------------------------------------ live

    @Test
    void liveApplyReadsBackInSync() throws Exception {
        DeviceTarget device = live();
        TunnelIntent sample = sampleIntent(liveType());
        Transaction t = set(manager(adapter()), device, Optional.of(sample));
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        Optional<TunnelIntent> running = read(adapter(), device, sample);
        assertTrue(running.isPresent(), "the interface is not there after a confirmed apply");
        assertTrue(IntentDiff.between(running, Optional.of(sample)).isEmpty(),
                () -> "read back differs: " + IntentDiff.between(running, Optional.of(sample)));
        assertEquals(sample.role(), running.get().role(), "read must copy the role it is given");
    }

    @Test
    void liveSecondApplyPushesNothing() throws Exception {
        DeviceTarget device = live();
        TunnelIntent sample = sampleIntent(liveType());
        ConfigurationManager m = confirmed(device, sample);
        Transaction again = m.apply(sample.name(), "contract", false);
        assertEquals(Transaction.Result.NO_CHANGE, again.result(), () -> again.detail() + " " + again.diff());
        assertEquals(List.of(), again.commands());
    }

    @Test
    void liveMtuChangeSendsOnlyTheMtu() throws Exception {
        DeviceTarget device = live();
        TunnelIntent sample = sampleIntent(liveType());
        ConfigurationManager m = confirmed(device, sample);
        TunnelIntent changed = sample.withMtu(otherMtu(sample));
        Transaction t = set(m, device, Optional.of(changed));
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertEquals(List.of("mtu: " + sample.mtu() + " -> " + changed.mtu()), t.diff());
        assertEquals(adapter().behaviour(LinkSettingsBehaviour.class).orElseThrow().setMtu(sample.name(), changed.mtu()),
                t.commands());
        assertEquals(Optional.of(changed.mtu()), read(adapter(), device, sample).map(TunnelIntent::mtu));
    }

    @Test
    void liveRemovalLeavesNoInterface() throws Exception {
        DeviceTarget device = live();
        TunnelIntent sample = sampleIntent(liveType());
        ConfigurationManager m = confirmed(device, sample);
        Transaction t = m.removeEnd(sample.name(), "contract").get(LIVE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(Transaction.Result.CONFIRMED, t.result(), t.detail());
        assertEquals(Optional.empty(), read(adapter(), device, sample));
        try (ConfigSession s = adapter().open(device)) {
            assertFalse(s.list(sample.name()).contains(sample.name()), "list still names the removed interface");
        }
    }

    @Test
    void liveListNamesWhatWasBuilt() throws Exception {
        DeviceTarget device = live();
        TunnelIntent sample = sampleIntent(liveType());
        confirmed(device, sample);
        try (ConfigSession s = adapter().open(device)) {
            assertTrue(s.list(sample.name()).contains(sample.name()), "list(prefix) must name the interface built");
            assertTrue(s.list(sample.name()).stream().allMatch(n -> n.startsWith(sample.name())),
                    "list(prefix) must name only interfaces with that prefix");
        }
    }

    @Test
    void liveFailingCommandIsRolledBackAndRestored() throws Exception {
        DeviceTarget device = live();
        TunnelIntent sample = sampleIntent(liveType());
        confirmed(device, sample);
        closeManager();
        TunnelIntent changed = sample.withMtu(otherMtu(sample));
        Transaction t = set(manager(new FailingAfterApplyAdapter(adapter())), device, Optional.of(changed));
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        assertTrue(t.detail().contains(FailingAfterApplyAdapter.FAULT), t.detail());
        assertTrue(t.restored(), t.detail());
        Optional<TunnelIntent> running = read(adapter(), device, sample);
        assertTrue(IntentDiff.between(running, Optional.of(sample)).isEmpty(),
                () -> "not back to the previous state: " + IntentDiff.between(running, Optional.of(sample)));
    }

    @Test
    void liveFailingCreateLeavesNoInterface() throws Exception {
        DeviceTarget device = live();
        TunnelIntent sample = sampleIntent(liveType());
        Transaction t = set(manager(new FailingAfterApplyAdapter(adapter())), device, Optional.of(sample));
        assertEquals(Transaction.Result.ROLLED_BACK, t.result(), t.detail());
        assertTrue(t.restored(), t.detail());
        assertEquals(Optional.empty(), read(adapter(), device, sample));
    }

    @Test
    void liveRefusedIntentLeavesThePreviousTunnel() throws Exception {
        DeviceTarget device = live();
        TunnelIntent sample = sampleIntent(liveType());
        ConfigurationManager m = confirmed(device, sample);
        TunnelIntent tooSmall = sample.withMtu(minimumMtu(sample) - 1);
        Transaction t = set(m, device, Optional.of(tooSmall));
        assertEquals(Transaction.Result.REFUSED, t.result());
        assertEquals(List.of(), t.commands());
        assertTrue(IntentDiff.between(read(adapter(), device, sample), Optional.of(sample)).isEmpty());
    }

    @AfterEach
    void cleanUp() throws Exception {
        closeManager();
        if (touchedLiveDevice) {
            removeSample();
            resetLiveDevice();
        }
    }

    // ------------------------------------------------------------------ helpers

    private DeviceTarget live() throws ConfigException {
        Optional<DeviceTarget> device = liveDevice();
        assumeTrue(device.isPresent(), "no live device for adapter " + adapter().vendor()
                + ": liveDevice() is empty, so the tests that change a device are skipped");
        touchedLiveDevice = true;
        resetLiveDevice();
        removeSample();
        return device.get();
    }

    private void removeSample() throws ConfigException {
        DeviceTarget device = liveDevice().orElseThrow();
        TunnelIntent sample = sampleIntent(liveType());
        VendorAdapter a = adapter();
        try (ConfigSession s = a.open(device)) {
            if (s.read(sample.name(), sample.role()).isPresent()) {
                s.apply(tunnel().delete(sample.name()));
            }
        }
    }

    private ConfigurationManager manager(VendorAdapter a) throws IOException {
        closeManager();
        Path dir = state.resolve("state-" + System.nanoTime());
        manager = ConfigurationManager.create(ConfigSettings.defaults(dir).withProbe(false)
                .withOperatorTimeout(LIVE_TIMEOUT), 2);
        manager.addAdapter(a, serviceProperties());
        return manager;
    }

    /** A new manager over the adapter, with {@code sample} built on {@code device} and confirmed. */
    private ConfigurationManager confirmed(DeviceTarget device, TunnelIntent sample) throws Exception {
        ConfigurationManager m = manager(adapter());
        assertEquals(Transaction.Result.CONFIRMED, set(m, device, Optional.of(sample)).result());
        return m;
    }

    private void closeManager() {
        if (manager != null) {
            manager.close();
            manager = null;
        }
    }

    private static Transaction set(ConfigurationManager m, DeviceTarget device, Optional<TunnelIntent> intent)
            throws Exception {
        TunnelIntent i = intent.orElseThrow();
        Transaction t = m.setIntent(i.name(), i.role(), "contract-device", device, intent, "contract")
                .get(LIVE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (t == null) {
            fail("no outcome");
        }
        return t;
    }

    private static Optional<TunnelIntent> read(VendorAdapter a, DeviceTarget device, TunnelIntent like)
            throws ConfigException {
        try (ConfigSession s = a.open(device)) {
            return s.read(like.name(), like.role());
        }
    }

    private List<String> render(Optional<TunnelIntent> wanted, Optional<TunnelIntent> running) {
        return new Renderer(adapter()).render(wanted, running, IntentDiff.between(running, wanted));
    }

    private TunnelInterfaceBehaviour tunnel() {
        return adapter().behaviour(TunnelInterfaceBehaviour.class)
                .orElseThrow(() -> new AssertionError("TunnelInterfaceBehaviour is required"));
    }

    private int minimumMtu(TunnelIntent i) {
        return adapter().behaviour(LinkSettingsBehaviour.class).orElseThrow()
                .minimumMtu(i.innerAddress() instanceof Inet6Address);
    }

    /** An MTU the device accepts that differs from the sample's. */
    private int otherMtu(TunnelIntent i) {
        int lower = i.mtu() - 20;
        return lower >= minimumMtu(i) ? lower : i.mtu() + 20;
    }
}
