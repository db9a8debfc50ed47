package net.dtm.config;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import net.dtm.api.Cidr;
import net.dtm.api.TunnelType;
import net.dtm.spi.config.AddressingBehaviour;
import net.dtm.spi.config.Behaviour;
import net.dtm.spi.config.LinkSettingsBehaviour;
import net.dtm.spi.config.RouteBehaviour;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.WireGuardPeerBehaviour;

/**
 * Judges an intent before anything touches a device: first what holds for every device (name,
 * MTU, key range, address families, the gateway inside the pool's prefix...), then whether the
 * adapter can build it (type, behaviours), then the adapter's own
 * {@link TunnelInterfaceBehaviour#validate} (only when the rest passed, as the SPI promises).
 * Every problem is one sentence for an operator. The device's own check
 * ({@code ConfigSession.check}) comes later, inside the transaction.
 */
public final class IntentValidator {

    /** Largest inner MTU accepted. */
    public static final int MAX_MTU = 9000;
    /** Largest GRE key. */
    public static final long MAX_GRE_KEY = (1L << 32) - 1;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern WG_PUBLIC_KEY = Pattern.compile("[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=");
    private static final List<Class<? extends Behaviour>> REQUIRED = List.of(TunnelInterfaceBehaviour.class,
            AddressingBehaviour.class, RouteBehaviour.class, LinkSettingsBehaviour.class);

    /** True if {@code name} can name a tunnel interface (and so an end, a journal and a history file). */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Every problem with {@code intent} on {@code adapter}; empty when it may be applied. */
    public List<String> validate(TunnelIntent intent, VendorAdapter adapter) {
        List<String> problems = new ArrayList<>();
        String vendor = adapter.vendor();
        for (Class<? extends Behaviour> b : REQUIRED) {
            if (adapter.behaviour(b).isEmpty()) {
                problems.add("adapter " + vendor + " lacks the " + b.getSimpleName() + " every adapter must offer");
            }
        }
        Optional<TunnelInterfaceBehaviour> tunnel = adapter.behaviour(TunnelInterfaceBehaviour.class);
        if (intent.type() == TunnelType.WIREGUARD && adapter.behaviour(WireGuardPeerBehaviour.class).isEmpty()) {
            problems.add("adapter " + vendor + " does not support wireguard");
        } else if (tunnel.isPresent() && !tunnel.get().types().contains(intent.type())) {
            problems.add("adapter " + vendor + " does not support " + lower(intent.type()));
        }
        boolean ipv6Inner = intent.innerAddress() instanceof Inet6Address;
        int minimumMtu = adapter.behaviour(LinkSettingsBehaviour.class).map(l -> l.minimumMtu(ipv6Inner))
                .orElse(ipv6Inner ? 1280 : 576);
        problems.addAll(neutral(intent, minimumMtu, vendor));
        if (problems.isEmpty() && tunnel.isPresent()) {
            problems.addAll(tunnel.get().validate(intent));
        }
        return problems;
    }

    private static List<String> neutral(TunnelIntent i, int minimumMtu, String vendor) {
        List<String> p = new ArrayList<>();
        String type = lower(i.type());
        if (!NAME.matcher(i.name()).matches()) {
            p.add("interface name '" + i.name() + "' must be 1 to 15 characters of A-Z a-z 0-9 _ . -");
        }
        String family = i.innerAddress() instanceof Inet6Address ? "IPv6" : "IPv4";
        if (i.mtu() < minimumMtu) {
            p.add("MTU " + i.mtu() + " is below " + minimumMtu + ", the smallest adapter " + vendor + " accepts with an "
                    + family + " inner address");
        } else if (i.mtu() > MAX_MTU) {
            p.add("MTU " + i.mtu() + " is above " + MAX_MTU);
        }
        switch (i.type()) {
            case VXLAN -> {
                if (i.key() < 1 || i.key() > TunnelIntent.MAX_VNI) {
                    p.add("VXLAN network identifier " + i.key() + " must be 1.." + TunnelIntent.MAX_VNI);
                }
            }
            case GRE -> {
                if (i.key() < 0 || i.key() > MAX_GRE_KEY) {
                    p.add("GRE key " + i.key() + " must be 0.." + MAX_GRE_KEY);
                }
            }
            default -> {
                if (i.key() != 0) {
                    p.add(type + " takes no key, got " + i.key());
                }
            }
        }
        InetAddress local = i.localOuter();
        InetAddress remote = i.remoteOuter().getAddress();
        checkOuter(p, "local outer", local);
        if (remote == null) {
            p.add("remote outer " + i.remoteOuter().getHostString() + " is not an IP address");
        } else {
            checkOuter(p, "remote outer", remote);
            if (!sameFamily(local, remote)) {
                p.add("local outer " + Cidr.format(local) + " and remote outer " + Cidr.format(remote)
                        + " are of different address families");
            }
        }
        int port = i.remoteOuter().getPort();
        if ((i.type() == TunnelType.VXLAN || i.type() == TunnelType.WIREGUARD) && (port < 1 || port > 65535)) {
            p.add("remote port " + port + " must be 1..65535 for " + type);
        }
        int bits = i.innerAddress().getAddress().length * 8;
        boolean prefixOk = i.prefixLength() >= 1 && i.prefixLength() <= bits;
        if (!prefixOk) {
            p.add("prefix length " + i.prefixLength() + " is invalid for an " + family + " inner address (1.." + bits + ")");
        }
        if (!sameFamily(i.innerAddress(), i.peerInner())) {
            p.add("inner address " + Cidr.format(i.innerAddress()) + " and peer inner address "
                    + Cidr.format(i.peerInner()) + " are of different address families");
        } else if (i.innerAddress().equals(i.peerInner())) {
            p.add("inner address " + Cidr.format(i.innerAddress()) + " equals the peer's inner address");
        } else if (prefixOk && i.role() == TunnelIntent.Role.DEVICE) {
            Cidr pool = network(i.innerAddress(), i.prefixLength());
            if (!pool.contains(i.peerInner())) {
                p.add("inner address outside the pool's prefix: gateway " + Cidr.format(i.peerInner())
                        + " is not in " + pool + " of inner address " + Cidr.format(i.innerAddress()) + "/"
                        + i.prefixLength());
            }
        }
        for (Cidr route : i.routes()) {
            if (route.addressBits() != i.peerInner().getAddress().length * 8) {
                p.add("route " + route + " and its next hop " + Cidr.format(i.peerInner())
                        + " are of different address families");
            }
        }
        boolean wgType = i.type() == TunnelType.WIREGUARD;
        if (wgType && i.wireGuard().isEmpty()) {
            p.add("a wireguard tunnel needs wireguard keys");
        } else if (!wgType && i.wireGuard().isPresent()) {
            p.add("wireguard keys given for a " + type + " tunnel");
        }
        i.wireGuard().ifPresent(w -> {
            if (!WG_PUBLIC_KEY.matcher(w.peerPublicKey()).matches()) {
                p.add("wireguard peer public key must be 44 characters of base64 (a 32-byte key)");
            }
            if (w.listenPort() < 0 || w.listenPort() > 65535) {
                p.add("wireguard listen port " + w.listenPort() + " must be 0..65535");
            }
            if (w.privateKeyFile().toString().isEmpty()) {
                p.add("wireguard private key file is not named");
            }
        });
        if (wgType && (i.persistentKeepaliveSeconds() < 0 || i.persistentKeepaliveSeconds() > 65535)) {
            p.add("persistent keepalive " + i.persistentKeepaliveSeconds() + " must be 0..65535 seconds");
        } else if (!wgType && i.persistentKeepaliveSeconds() != 0) {
            p.add("persistent keepalive is a wireguard setting, must be 0 for " + type);
        }
        return p;
    }

    private static void checkOuter(List<String> p, String what, InetAddress a) {
        if (a.isAnyLocalAddress()) {
            p.add(what + " " + Cidr.format(a) + " is unspecified");
        } else if (a.isMulticastAddress()) {
            p.add(what + " " + Cidr.format(a) + " is a multicast address");
        }
    }

    private static boolean sameFamily(InetAddress a, InetAddress b) {
        return a.getAddress().length == b.getAddress().length;
    }

    /** The prefix {@code address/length} lies in. */
    static Cidr network(InetAddress address, int length) {
        byte[] raw = address.getAddress();
        int bits = raw.length * 8;
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .xor(BigInteger.ONE.shiftLeft(bits - length).subtract(BigInteger.ONE));
        BigInteger net = new BigInteger(1, raw).and(mask);
        byte[] value = net.toByteArray();
        byte[] out = new byte[raw.length];
        int copy = Math.min(value.length, out.length);
        System.arraycopy(value, value.length - copy, out, out.length - copy, copy);
        try {
            return Cidr.parse(Cidr.format(InetAddress.getByAddress(out)) + "/" + length);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String lower(TunnelType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }
}
