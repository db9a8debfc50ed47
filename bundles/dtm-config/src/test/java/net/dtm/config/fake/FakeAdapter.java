package net.dtm.config.fake;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.AddressingBehaviour;
import net.dtm.spi.config.Behaviour;
import net.dtm.spi.config.CommitConfirmBehaviour;
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
 * The adapter of a {@link FakeDevice}: renders the fake's command language through every behaviour;
 * a type change re-creates the interface, other interface changes update it in place. Variants
 * drop WireGuard or add the device's commit-confirm timer.
 */
public final class FakeAdapter implements VendorAdapter, TunnelInterfaceBehaviour, AddressingBehaviour, RouteBehaviour,
        LinkSettingsBehaviour, WireGuardPeerBehaviour, CommitConfirmBehaviour {

    public static final String VENDOR = "fake";

    private final FakeDevice device;
    private final boolean wireGuard;
    private final boolean commitConfirm;
    private final List<String> validateProblems;

    public FakeAdapter(FakeDevice device) {
        this(device, true, false, List.of());
    }

    private FakeAdapter(FakeDevice device, boolean wireGuard, boolean commitConfirm, List<String> validateProblems) {
        this.device = device;
        this.wireGuard = wireGuard;
        this.commitConfirm = commitConfirm;
        this.validateProblems = validateProblems;
    }

    /** The same device without WireGuard support. */
    public FakeAdapter withoutWireGuard() {
        return new FakeAdapter(device, false, commitConfirm, validateProblems);
    }

    /** The same device with a commit-confirm timer. */
    public FakeAdapter withCommitConfirm() {
        return new FakeAdapter(device, wireGuard, true, validateProblems);
    }

    /** The same device whose adapter validation reports {@code problem}. */
    public FakeAdapter refusingInValidate(String problem) {
        return new FakeAdapter(device, wireGuard, commitConfirm, List.of(problem));
    }

    public FakeDevice device() {
        return device;
    }

    /** Service properties as the adapter would publish them. */
    public Map<String, Object> properties() {
        Map<String, Object> p = new HashMap<>();
        p.put(VendorAdapter.PROP_VENDOR, VENDOR);
        return p;
    }

    @Override
    public String vendor() {
        return VENDOR;
    }

    @Override
    public <B extends Behaviour> Optional<B> behaviour(Class<B> type) {
        if (type == WireGuardPeerBehaviour.class && !wireGuard || type == CommitConfirmBehaviour.class && !commitConfirm) {
            return Optional.empty();
        }
        return VendorAdapter.super.behaviour(type);
    }

    @Override
    public ConfigSession open(DeviceTarget target) throws ConfigException {
        if (!target.vendor().equals(VENDOR)) {
            throw new ConfigException("fake adapter cannot open a " + target.vendor() + " device", false);
        }
        device.open();
        return new FakeSession(device);
    }

    // ------------------------------------------------------------ TunnelInterfaceBehaviour

    @Override
    public Set<TunnelType> types() {
        Set<TunnelType> t = EnumSet.of(TunnelType.VXLAN, TunnelType.GRE, TunnelType.IPIP);
        if (wireGuard) {
            t.add(TunnelType.WIREGUARD);
        }
        return t;
    }

    @Override
    public List<String> validate(TunnelIntent intent) {
        return validateProblems;
    }

    @Override
    public List<String> create(TunnelIntent i) {
        return List.of("link add " + i.name() + " type=" + i.type().name().toLowerCase(Locale.ROOT) + outer(i));
    }

    @Override
    public List<String> update(TunnelIntent wanted, TunnelIntent running) {
        if (recreates(wanted, running)) {
            List<String> out = new ArrayList<>(delete(running.name()));
            out.addAll(create(wanted));
            return out;
        }
        return List.of("link set " + wanted.name() + outer(wanted));
    }

    @Override
    public boolean recreates(TunnelIntent wanted, TunnelIntent running) {
        return wanted.type() != running.type();
    }

    @Override
    public List<String> delete(String name) {
        return List.of("link del " + name);
    }

    // ------------------------------------------------------------ the other behaviours

    @Override
    public List<String> addAddress(String name, InetAddress address, int prefixLength) {
        return List.of("addr add " + name + " address=" + Cidr.format(address) + "/" + prefixLength);
    }

    @Override
    public List<String> removeAddress(String name, InetAddress address, int prefixLength) {
        return List.of("addr del " + name + " address=" + Cidr.format(address) + "/" + prefixLength);
    }

    @Override
    public List<String> addRoute(String name, Cidr prefix, InetAddress nextHop) {
        return List.of("route add " + name + " prefix=" + prefix + " via=" + Cidr.format(nextHop));
    }

    @Override
    public List<String> removeRoute(String name, Cidr prefix) {
        return List.of("route del " + name + " prefix=" + prefix);
    }

    @Override
    public List<String> setMtu(String name, int mtu) {
        return List.of("link mtu " + name + " mtu=" + mtu);
    }

    @Override
    public List<String> setPeer(TunnelIntent i) {
        var w = i.wireGuard().orElseThrow(() -> new IllegalArgumentException(i.name() + " has no wireguard keys"));
        return List.of("wg set " + i.name() + " key-file=" + w.privateKeyFile() + " peer=" + w.peerPublicKey()
                + " listen-port=" + w.listenPort() + " keepalive=" + i.persistentKeepaliveSeconds() + " allowed="
                + String.join(",", FakeDevice.allowed(i)));
    }

    @Override
    public void arm(ConfigSession session, Duration timeout) throws ConfigException {
        ((FakeSession) session).device().arm(timeout);
    }

    @Override
    public void confirm(ConfigSession session) throws ConfigException {
        ((FakeSession) session).device().confirmCommit();
    }

    @Override
    public void revert(ConfigSession session) throws ConfigException {
        ((FakeSession) session).device().revert();
    }

    private static String outer(TunnelIntent i) {
        return " local=" + Cidr.format(i.localOuter()) + " remote=" + Cidr.format(i.remoteOuter().getAddress()) + " port="
                + i.remoteOuter().getPort() + " key=" + i.key();
    }

    /** A session on the fake device. */
    static final class FakeSession implements ConfigSession {
        private final FakeDevice device;
        private boolean closed;

        FakeSession(FakeDevice device) {
            this.device = device;
        }

        FakeDevice device() {
            return device;
        }

        @Override
        public Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
            open();
            return device.read(name, role);
        }

        @Override
        public List<String> list(String prefix) throws ConfigException {
            open();
            return device.list(prefix);
        }

        @Override
        public List<String> check(TunnelIntent intent) throws ConfigException {
            open();
            return device.check(intent);
        }

        @Override
        public void apply(List<String> commands) throws ConfigException {
            open();
            device.apply(commands);
        }

        @Override
        public boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException {
            open();
            return device.probe(intent);
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                device.close();
            }
        }

        private void open() throws ConfigException {
            if (closed) {
                throw new ConfigException("fake session used after close", false);
            }
        }
    }
}
