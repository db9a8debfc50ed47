package net.dtm.config.fake;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.WireGuardKeys;

/**
 * An in-memory device: tunnel interfaces with their fields, changed only by interpreting the
 * command lines {@link FakeAdapter}'s behaviours render, strict the way a real device is (adding
 * what exists or removing what does not is refused). Faults can be injected: refuse commands, fail
 * the channel, break applies after some batches (so a restore fails), ignore a command silently,
 * leave probes unanswered, hold applies at a gate.
 */
public final class FakeDevice {

    /** One tunnel interface. */
    static final class Iface {
        TunnelType type;
        InetAddress local;
        InetAddress remote;
        int port;
        long key;
        InetAddress inner;
        int prefix;
        int mtu = 1500;
        final Map<Cidr, InetAddress> routes = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        String wgKeyFile;
        String wgPeer;
        int wgPort;
        int keepalive;
        List<String> wgAllowed = List.of();

        Iface copy() {
            Iface c = new Iface();
            c.type = type;
            c.local = local;
            c.remote = remote;
            c.port = port;
            c.key = key;
            c.inner = inner;
            c.prefix = prefix;
            c.mtu = mtu;
            c.routes.putAll(routes);
            c.wgKeyFile = wgKeyFile;
            c.wgPeer = wgPeer;
            c.wgPort = wgPort;
            c.keepalive = keepalive;
            c.wgAllowed = wgAllowed;
            return c;
        }
    }

    private Map<String, Iface> interfaces = new TreeMap<>();
    private Map<String, Iface> checkpoint;
    private final List<List<String>> batches = new ArrayList<>();
    private final List<Duration> armed = new ArrayList<>();
    private final Set<String> refused = new LinkedHashSet<>();
    private final Set<String> ignored = new LinkedHashSet<>();
    private final Set<InetAddress> localAddresses = new HashSet<>();
    private boolean channelDown;
    private boolean armRefused;
    private boolean confirmRefused;
    private boolean unreachable;
    private int appliesLeft = -1;
    private boolean probeAnswers = true;
    private int unansweredProbes;
    private int probes;
    private int opened;
    private int closed;
    private volatile CountDownLatch gate;
    private final CountDownLatch applyStarted = new CountDownLatch(1);

    // ------------------------------------------------------------ faults

    /** Every command containing {@code fragment} is refused by the device. */
    public synchronized FakeDevice refuse(String fragment) {
        refused.add(fragment);
        return this;
    }

    /** Commands containing {@code fragment} are accepted but change nothing. */
    public synchronized FakeDevice ignore(String fragment) {
        ignored.add(fragment);
        return this;
    }

    /** Every call on a session fails as a lost channel. */
    public synchronized FakeDevice channelDown(boolean down) {
        channelDown = down;
        return this;
    }

    /** The commit-confirm timer cannot be armed. */
    public synchronized FakeDevice refuseArm() {
        armRefused = true;
        return this;
    }

    /** The commit-confirm confirmation is refused. */
    public synchronized FakeDevice refuseConfirm() {
        confirmRefused = true;
        return this;
    }

    /** Sessions cannot even be opened. */
    public synchronized FakeDevice unreachable(boolean value) {
        unreachable = value;
        return this;
    }

    /** After {@code n} more apply batches (and device reverts), every apply fails as a lost channel. */
    public synchronized FakeDevice breakAfterApplies(int n) {
        appliesLeft = n;
        return this;
    }

    /** Probes get no answer. */
    public synchronized FakeDevice probeAnswers(boolean answers) {
        probeAnswers = answers;
        return this;
    }

    /** The next {@code n} probes get no answer, later ones do. */
    public synchronized FakeDevice unansweredProbes(int n) {
        unansweredProbes = n;
        return this;
    }

    /** Only these outer addresses are configured here (empty: any). */
    public synchronized FakeDevice localAddresses(InetAddress... addresses) {
        localAddresses.clear();
        localAddresses.addAll(List.of(addresses));
        return this;
    }

    /** Applies wait at this gate (at most 10 s) before they run. */
    public FakeDevice gate(CountDownLatch latch) {
        gate = latch;
        return this;
    }

    /** Counts down when an apply reaches the gate. */
    public CountDownLatch applyStarted() {
        return applyStarted;
    }

    // ------------------------------------------------------------ inspection

    /** The batches applied so far (refused ones included, as sent). */
    public synchronized List<List<String>> batches() {
        return List.copyOf(batches);
    }

    public synchronized int probes() {
        return probes;
    }

    /** Timeouts the commit-confirm timer was armed with. */
    public synchronized List<Duration> armed() {
        return List.copyOf(armed);
    }

    public synchronized Set<String> names() {
        return Set.copyOf(interfaces.keySet());
    }

    /** Sessions opened and not closed. */
    public synchronized int openSessions() {
        return opened - closed;
    }

    /** The interface as the device would report it. */
    public synchronized Optional<TunnelIntent> state(String name, TunnelIntent.Role role) {
        Iface i = interfaces.get(name);
        return i == null ? Optional.empty() : Optional.of(toIntent(name, role, i));
    }

    /** Puts an interface there directly (the state before a test), as if built earlier. */
    public synchronized FakeDevice install(TunnelIntent intent) {
        Iface i = new Iface();
        i.type = intent.type();
        i.local = intent.localOuter();
        i.remote = intent.remoteOuter().getAddress();
        i.port = intent.remoteOuter().getPort();
        i.key = intent.key();
        i.inner = intent.innerAddress();
        i.prefix = intent.prefixLength();
        i.mtu = intent.mtu();
        intent.routes().forEach(r -> i.routes.put(r, intent.peerInner()));
        intent.wireGuard().ifPresent(w -> {
            i.wgKeyFile = w.privateKeyFile().toString();
            i.wgPeer = w.peerPublicKey();
            i.wgPort = w.listenPort();
            i.keepalive = intent.persistentKeepaliveSeconds();
            i.wgAllowed = allowed(intent);
        });
        interfaces.put(intent.name(), i);
        return this;
    }

    // ------------------------------------------------------------ session side

    synchronized void open() throws ConfigException {
        if (unreachable) {
            throw new ConfigException("fake device unreachable", false);
        }
        opened++;
    }

    synchronized void close() {
        closed++;
    }

    synchronized Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
        channel();
        return state(name, role);
    }

    synchronized List<String> list(String prefix) throws ConfigException {
        channel();
        return interfaces.keySet().stream().filter(n -> n.startsWith(prefix)).toList();
    }

    synchronized List<String> check(TunnelIntent intent) throws ConfigException {
        channel();
        if (!localAddresses.isEmpty() && !localAddresses.contains(intent.localOuter())) {
            return List.of("local outer " + Cidr.format(intent.localOuter()) + " is not configured on the fake device");
        }
        return List.of();
    }

    void apply(List<String> commands) throws ConfigException {
        CountDownLatch g = gate;
        applyStarted.countDown();
        if (g != null) {
            try {
                if (!g.await(10, TimeUnit.SECONDS)) {
                    throw new ConfigException("fake device: gate never opened", false);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConfigException("interrupted", false, e);
            }
        }
        synchronized (this) {
            channel();
            spendApply();
            batches.add(List.copyOf(commands));
            for (String c : commands) {
                for (String f : refused) {
                    if (c.contains(f)) {
                        throw new ConfigException("fake device refused '" + c + "': not allowed here", true);
                    }
                }
                if (ignored.stream().anyMatch(c::contains)) {
                    continue;
                }
                execute(c);
            }
        }
    }

    synchronized boolean probe(TunnelIntent intent) throws ConfigException {
        channel();
        probes++;
        if (!interfaces.containsKey(intent.name()) || !probeAnswers) {
            return false;
        }
        if (unansweredProbes > 0) {
            unansweredProbes--;
            return false;
        }
        return true;
    }

    synchronized void arm(Duration timeout) throws ConfigException {
        channel();
        if (armRefused) {
            throw new ConfigException("fake device: commit timer unavailable", true);
        }
        armed.add(timeout);
        checkpoint = deepCopy(interfaces);
    }

    synchronized void confirmCommit() throws ConfigException {
        channel();
        if (confirmRefused) {
            throw new ConfigException("fake device: confirmation refused", true);
        }
        if (checkpoint == null) {
            throw new ConfigException("fake device: nothing armed to confirm", true);
        }
        checkpoint = null;
    }

    synchronized void revert() throws ConfigException {
        channel();
        spendApply();
        if (checkpoint == null) {
            throw new ConfigException("fake device: nothing armed to revert", true);
        }
        interfaces = checkpoint;
        checkpoint = null;
    }

    private void channel() throws ConfigException {
        if (channelDown) {
            throw new ConfigException("fake channel lost", false);
        }
    }

    private void spendApply() throws ConfigException {
        if (appliesLeft == 0) {
            throw new ConfigException("fake channel lost after the change", false);
        }
        if (appliesLeft > 0) {
            appliesLeft--;
        }
    }

    // ------------------------------------------------------------ the command language

    private void execute(String command) throws ConfigException {
        String[] t = command.split(" ");
        if (t.length < 3) {
            throw refusedCmd(command, "too short");
        }
        String verb = t[0] + " " + t[1];
        String name = t[2];
        Map<String, String> kv = new HashMap<>();
        for (int i = 3; i < t.length; i++) {
            int eq = t[i].indexOf('=');
            if (eq > 0) {
                kv.put(t[i].substring(0, eq), t[i].substring(eq + 1));
            }
        }
        switch (verb) {
            case "link add" -> {
                if (interfaces.containsKey(name)) {
                    throw refusedCmd(command, "interface exists");
                }
                Iface i = new Iface();
                i.type = TunnelType.parse(need(kv, "type", command));
                outer(i, kv, command);
                interfaces.put(name, i);
            }
            case "link set" -> outer(existing(name, command), kv, command);
            case "link del" -> {
                existing(name, command);
                interfaces.remove(name);
            }
            case "link mtu" -> {
                int mtu = Integer.parseInt(need(kv, "mtu", command));
                if (mtu < 68) {
                    throw refusedCmd(command, "mtu too small");
                }
                existing(name, command).mtu = mtu;
            }
            case "addr add" -> {
                Iface i = existing(name, command);
                if (i.inner != null) {
                    throw refusedCmd(command, "an address is already configured");
                }
                String[] a = need(kv, "address", command).split("/");
                i.inner = Cidr.parseLiteral(a[0]);
                i.prefix = Integer.parseInt(a[1]);
            }
            case "addr del" -> {
                Iface i = existing(name, command);
                String[] a = need(kv, "address", command).split("/");
                if (i.inner == null || !i.inner.equals(Cidr.parseLiteral(a[0])) || i.prefix != Integer.parseInt(a[1])) {
                    throw refusedCmd(command, "no such address");
                }
                i.inner = null;
                i.prefix = 0;
            }
            case "route add" -> {
                Iface i = existing(name, command);
                Cidr prefix = Cidr.parse(need(kv, "prefix", command));
                if (i.routes.containsKey(prefix)) {
                    throw refusedCmd(command, "route exists");
                }
                i.routes.put(prefix, Cidr.parseLiteral(need(kv, "via", command)));
            }
            case "route del" -> {
                Iface i = existing(name, command);
                if (i.routes.remove(Cidr.parse(need(kv, "prefix", command))) == null) {
                    throw refusedCmd(command, "no such route");
                }
            }
            case "wg set" -> {
                Iface i = existing(name, command);
                if (i.type != TunnelType.WIREGUARD) {
                    throw refusedCmd(command, "not a wireguard interface");
                }
                String keyFile = need(kv, "key-file", command);
                if (keyFile.isEmpty()) {
                    throw refusedCmd(command, "private key file missing");
                }
                i.wgKeyFile = keyFile;
                i.wgPeer = need(kv, "peer", command);
                i.wgPort = Integer.parseInt(need(kv, "listen-port", command));
                i.keepalive = Integer.parseInt(need(kv, "keepalive", command));
                String allowed = need(kv, "allowed", command);
                i.wgAllowed = allowed.isEmpty() ? List.of() : List.of(allowed.split(","));
            }
            default -> throw refusedCmd(command, "unknown command");
        }
    }

    private void outer(Iface i, Map<String, String> kv, String command) throws ConfigException {
        i.local = Cidr.parseLiteral(need(kv, "local", command));
        i.remote = Cidr.parseLiteral(need(kv, "remote", command));
        i.port = Integer.parseInt(need(kv, "port", command));
        i.key = Long.parseLong(need(kv, "key", command));
    }

    private Iface existing(String name, String command) throws ConfigException {
        Iface i = interfaces.get(name);
        if (i == null) {
            throw refusedCmd(command, "no such interface");
        }
        return i;
    }

    private static String need(Map<String, String> kv, String key, String command) throws ConfigException {
        String v = kv.get(key);
        if (v == null) {
            throw refusedCmd(command, "missing " + key);
        }
        return v;
    }

    private static ConfigException refusedCmd(String command, String why) {
        return new ConfigException("fake device refused '" + command + "': " + why, true);
    }

    private static TunnelIntent toIntent(String name, TunnelIntent.Role role, Iface i) {
        InetAddress inner = i.inner != null ? i.inner : unspecified(i.local);
        InetAddress peer;
        if (!i.routes.isEmpty()) {
            peer = i.routes.values().iterator().next();
        } else if (!i.wgAllowed.isEmpty()) {
            peer = Cidr.parseLiteral(i.wgAllowed.get(0).split("/")[0]);
        } else {
            peer = unspecified(inner);
        }
        Optional<WireGuardKeys> wg = Optional.empty();
        if (i.type == TunnelType.WIREGUARD && i.wgPeer != null) {
            // Like a real device: the private key file cannot be read back.
            wg = Optional.of(new WireGuardKeys(Path.of(""), i.wgPeer, i.wgPort));
        }
        return new TunnelIntent(name, role, i.type, i.local, new InetSocketAddress(i.remote, i.port), i.key, inner,
                i.prefix, peer, List.copyOf(i.routes.keySet()), i.mtu, wg, i.type == TunnelType.WIREGUARD ? i.keepalive : 0);
    }

    static List<String> allowed(TunnelIntent intent) {
        List<String> out = new ArrayList<>();
        out.add(Cidr.format(intent.peerInner()) + (intent.peerInner() instanceof Inet6Address ? "/128" : "/32"));
        intent.routes().forEach(r -> out.add(r.toString()));
        return out;
    }

    private static InetAddress unspecified(InetAddress like) {
        try {
            return InetAddress.getByAddress(new byte[like.getAddress().length]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Iface> deepCopy(Map<String, Iface> m) {
        Map<String, Iface> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }
}
