package net.dtm.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelType;

/** Fixtures: one or more messages of every type. */
final class Samples {

    static final DeviceId DEVICE = DeviceId.of("smr-0001.fleet:A_b");

    private Samples() {
    }

    static byte[] key(long seed) {
        byte[] key = new byte[Codec.KEY_LENGTH];
        new Random(seed).nextBytes(key);
        return key;
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // literals only: no DNS lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static InetSocketAddress sock(String literal, int port) {
        return new InetSocketAddress(ip(literal), port);
    }

    static TunnelParameters params4() {
        return new TunnelParameters(ip("10.64.0.17"), 16, ip("10.64.0.1"), sock("192.0.2.10", 4789),
                TunnelType.VXLAN, 1400, 10, 3600, "node-a");
    }

    static TunnelParameters params6() {
        return new TunnelParameters(ip("2001:db8:64::17"), 64, ip("2001:db8:64::1"), sock("2001:db8::10", 4789),
                TunnelType.WIREGUARD, 1280, 25, 7200, "node-ß"); // non-ASCII node id: UTF-8
    }

    static List<InetSocketAddress> servers(int n) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(sock("2001:db8:ffff:ffff:ffff:ffff:ffff:" + Integer.toHexString(i + 1), 47800 + i));
        }
        return out;
    }

    /** Every message type, with IPv4, IPv6, empty and optional variants. */
    static List<Envelope> all() {
        List<Envelope> out = new ArrayList<>();
        List<LinkAddress> links = List.of(
                new LinkAddress("wwan0", "5g", sock("100.64.1.2", 40000)),
                new LinkAddress("wwan1", "lte", sock("2001:db8:1::2", 40001)),
                new LinkAddress("sat0", "satellite", sock("198.51.100.7", 0)));
        out.add(toServer(1, new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty())));
        out.add(toServer(2, new Establish(TunnelType.GRE, "demo", links, Optional.of(ip("10.64.0.17")))));
        out.add(toServer(3, new Establish(TunnelType.IPIP, "pool-6", links.subList(1, 2),
                Optional.of(ip("2001:db8:64::17")))));
        out.add(toDevice(4, new Params(params4(), "demo", 42, List.of())));
        out.add(toDevice(5, new Params(params6(), "pool-6", Long.MAX_VALUE, servers(3))));
        out.add(toDevice(6, new Params(params4(), "demo", -1, List.of(sock("127.0.0.1", 47800)))));
        out.add(toServer(7, new Confirm("demo", ip("10.64.0.17"), 42)));
        out.add(toServer(8, new Confirm("pool-6", ip("2001:db8:64::17"), 0)));
        out.add(toServer(9, new Renew("demo", ip("10.64.0.17"), 43)));
        out.add(toServer(10, new Release("pool-6", ip("2001:db8:64::17"), Long.MIN_VALUE)));
        out.add(toDevice(11, new Nak(Reason.POOL_EXHAUSTED, "pool demo has no free address")));
        out.add(toDevice(12, new Nak(Reason.STORE_UNAVAILABLE, "")));
        out.add(toDevice(13, new Nak(Reason.BAD_REQUEST, "unknown pool 'grüße'")));
        out.add(toDevice(14, new Ack(MessageType.CONFIRM)));
        out.add(toDevice(15, new Ack(MessageType.RELEASE)));
        // version 2: the data-plane fields and PATH
        String wgKey = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
        net.dtm.api.OuterPath path4 = new net.dtm.api.OuterPath("wwan0", sock("100.64.1.2", 40000));
        net.dtm.api.OuterPath path6 = new net.dtm.api.OuterPath("wwan1-with-a-32-character-name-x", sock("2001:db8:1::2", 0));
        out.add(v2(toServer(16, new Establish(TunnelType.WIREGUARD, "demo", links, Optional.empty(), wgKey, Optional.of(path4)))));
        out.add(v2(toServer(17, new Establish(TunnelType.VXLAN, "", List.of(), Optional.empty(), "", Optional.empty()))));
        TunnelParameters p4 = params4();
        out.add(v2(toDevice(18, new Params(new TunnelParameters(p4.innerAddress(), p4.prefixLength(), p4.gateway(),
                p4.serverEndpoint(), TunnelType.VXLAN, p4.mtu(), p4.keepaliveSeconds(), p4.leaseSeconds(),
                p4.serverNodeId(), 0xffffffffL, ""), "demo", 42, servers(2)))));
        out.add(v2(toDevice(19, new Params(new TunnelParameters(p4.innerAddress(), p4.prefixLength(), p4.gateway(),
                p4.serverEndpoint(), TunnelType.WIREGUARD, p4.mtu(), p4.keepaliveSeconds(), p4.leaseSeconds(),
                p4.serverNodeId(), 0, wgKey), "demo", 42, List.of()))));
        out.add(v2(toServer(20, new Renew("demo", ip("10.64.0.17"), 43, "node-a", Optional.of(path6)))));
        out.add(v2(toServer(21, new Renew("demo", ip("10.64.0.17"), 43, "", Optional.empty()))));
        out.add(v2(toServer(22, new PathUpdate("pool-6", ip("2001:db8:64::17"), 7, path6))));
        out.add(v2(toDevice(23, new Ack(MessageType.PATH))));
        out.add(v2(toServer(24, new Confirm("demo", ip("10.64.0.17"), 42))));
        return out;
    }

    static Envelope v2(Envelope e) {
        return new Envelope(e.direction(), e.device(), e.transactionId(), e.sequence(), e.body(), 2);
    }

    static Envelope toServer(long n, Message body) {
        return new Envelope(Direction.TO_SERVER, DEVICE, 0x1122334455667788L ^ n, 1_700_000_000_000_000L + n, body);
    }

    static Envelope toDevice(long n, Message body) {
        return new Envelope(Direction.TO_DEVICE, DEVICE, -n, 1_700_000_000_000_000L + n, body);
    }
}
