package net.dtm.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import net.dtm.api.DtmException.Reason;
import net.dtm.api.OuterPath;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelType;

/**
 * The plaintext body of each message type, field by field as {@code docs/wire-format.md} lists it,
 * in wire versions 1 to 4 (version 4 adds no field to these bodies). Encoding an unrepresentable message is an {@link IllegalArgumentException};
 * decoding an invalid body is a {@link ProtocolException} of kind MALFORMED.
 */
final class BodyCodec {

    /** Longest WireGuard public key (base64 of 32 bytes), in bytes. */
    static final int MAX_PUBLIC_KEY = 44;
    /** Longest pool name, in UTF-8 bytes. */
    static final int MAX_POOL = 64;
    /** Longest link id, in UTF-8 bytes. */
    static final int MAX_LINK_ID = 32;
    /** Longest link kind, in UTF-8 bytes. */
    static final int MAX_LINK_KIND = 16;
    /** Longest server node id, in UTF-8 bytes. */
    static final int MAX_NODE_ID = 64;
    /** Longest NAK text, in UTF-8 bytes; longer texts are cut on encode. */
    static final int MAX_NAK_TEXT = 200;
    /** Most links in an ESTABLISH. */
    static final int MAX_LINKS = 8;
    /** Most servers in a PARAMS. */
    static final int MAX_SERVERS = 16;

    private BodyCodec() {
    }

    /** A message with version 2 content cannot travel in version 1: refuse rather than drop fields. */
    static void checkVersion(Envelope e) {
        Message m = e.body();
        boolean v2 = m instanceof PathUpdate
                || (m instanceof Establish x && x.needsV2())
                || (m instanceof Renew x && x.needsV2())
                || (m instanceof Params x && (x.parameters().tunnelKey() != 0 || !x.parameters().serverPublicKey().isEmpty()))
                || (m instanceof Ack x && x.acknowledged() == MessageType.PATH);
        if (v2 && e.version() < 2) {
            throw new IllegalArgumentException(m.type() + " carries version 2 fields (data plane) and cannot be sent in version 1");
        }
        if (m instanceof Nak x && (x.sequenceMark() != 0 || x.reason() == Reason.STALE_SEQUENCE)
                && e.version() < Codec.RESYNC_VERSION) {
            throw new IllegalArgumentException("a NAK " + x.reason().label() + " with a sequence mark needs version "
                    + Codec.RESYNC_VERSION + ", not " + e.version());
        }
    }

    private static void writePath(WireWriter w, Optional<OuterPath> path) {
        if (path.isEmpty()) {
            w.u8(0);
            return;
        }
        w.u8(1);
        writeOuterPath(w, path.get());
    }

    private static void writeOuterPath(WireWriter w, OuterPath path) {
        w.string(path.linkId(), 1, MAX_LINK_ID, "path link id");
        w.socket(path.localAddress(), false, "path address");
    }

    private static Optional<OuterPath> readPath(WireReader in) throws ProtocolException {
        int present = in.u8("path present");
        if (present == 0) {
            return Optional.empty();
        }
        if (present != 1) {
            throw malformed("path present flag " + present + ", expected 0 or 1");
        }
        return Optional.of(readOuterPath(in));
    }

    private static OuterPath readOuterPath(WireReader in) throws ProtocolException {
        String link = in.string(1, MAX_LINK_ID, "path link id");
        return new OuterPath(link, in.socket(false, "path address"));
    }

    static void writeBody(WireWriter w, Message m, int version) {
        if (m instanceof Establish x) {
            w.u8(x.tunnelType().code());
            w.string(x.pool(), 0, MAX_POOL, "pool");
            w.u8(x.links().size());
            for (LinkAddress l : x.links()) {
                w.string(l.linkId(), 0, MAX_LINK_ID, "link id");
                w.string(l.kind(), 0, MAX_LINK_KIND, "link kind");
                w.socket(l.address(), false, "link address");
            }
            w.optionalIp(x.lastAddress().orElse(null));
            if (version >= 2) {
                w.string(x.devicePublicKey(), 0, MAX_PUBLIC_KEY, "device public key");
                writePath(w, x.path());
            }
        } else if (m instanceof Params x) {
            TunnelParameters p = x.parameters();
            w.ip(p.innerAddress());
            w.u8(p.prefixLength());
            w.ip(p.gateway());
            w.socket(p.serverEndpoint(), true, "server endpoint");
            w.u8(p.type().code());
            w.u16(p.mtu());
            w.i32(p.keepaliveSeconds());
            w.i32(p.leaseSeconds());
            w.string(p.serverNodeId(), 1, MAX_NODE_ID, "server node id");
            w.string(x.pool(), 1, MAX_POOL, "pool");
            w.i64(x.leaseSequence());
            w.u8(x.servers().size());
            for (InetSocketAddress s : x.servers()) {
                w.socket(s, true, "server");
            }
            if (version >= 2) {
                w.i32((int) p.tunnelKey());
                w.string(p.serverPublicKey(), 0, MAX_PUBLIC_KEY, "server public key");
            }
        } else if (m instanceof Confirm x) {
            writeLeaseRef(w, x.pool(), x.address(), x.leaseSequence());
        } else if (m instanceof Renew x) {
            writeLeaseRef(w, x.pool(), x.address(), x.leaseSequence());
            if (version >= 2) {
                w.string(x.tunnelServer(), 0, MAX_NODE_ID, "tunnel server");
                writePath(w, x.path());
            }
        } else if (m instanceof PathUpdate x) {
            writeLeaseRef(w, x.pool(), x.address(), x.leaseSequence());
            writeOuterPath(w, x.path());
        } else if (m instanceof Release x) {
            writeLeaseRef(w, x.pool(), x.address(), x.leaseSequence());
        } else if (m instanceof Nak x) {
            w.u8(x.reason().code());
            w.bytes(truncateUtf8(x.text(), MAX_NAK_TEXT));
            if (version >= Codec.RESYNC_VERSION) {
                w.i64(x.sequenceMark());
            }
        } else if (m instanceof Ack x) {
            w.u8(x.acknowledged().code());
        } else {
            throw new IllegalArgumentException("unknown message " + m.getClass().getName());
        }
    }

    private static void writeLeaseRef(WireWriter w, String pool, InetAddress address, long leaseSequence) {
        w.string(pool, 1, MAX_POOL, "pool");
        w.ip(address);
        w.i64(leaseSequence);
    }

    static Message readBody(WireReader in, MessageType type, int version) throws ProtocolException {
        return switch (type) {
            case ESTABLISH -> {
                TunnelType tunnelType = in.tunnelType();
                String pool = in.string(0, MAX_POOL, "pool");
                int count = in.u8("link count");
                if (count > MAX_LINKS) {
                    throw malformed("link count " + count + " over " + MAX_LINKS);
                }
                List<LinkAddress> links = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    String id = in.string(0, MAX_LINK_ID, "link id");
                    String kind = in.string(0, MAX_LINK_KIND, "link kind");
                    links.add(new LinkAddress(id, kind, in.socket(false, "link address")));
                }
                Optional<InetAddress> last = Optional.ofNullable(in.optionalIp("last address"));
                if (version < 2) {
                    yield new Establish(tunnelType, pool, links, last);
                }
                String publicKey = in.string(0, MAX_PUBLIC_KEY, "device public key");
                yield new Establish(tunnelType, pool, links, last, publicKey, readPath(in));
            }
            case PARAMS -> {
                InetAddress inner = in.ip("inner address");
                int prefix = in.u8("prefix length");
                if (prefix > inner.getAddress().length * 8) {
                    throw malformed("prefix length " + prefix + " invalid for " + inner.getHostAddress());
                }
                InetAddress gateway = in.ip("gateway");
                InetSocketAddress endpoint = in.socket(true, "server endpoint");
                TunnelType tunnelType = in.tunnelType();
                int mtu = in.u16("mtu");
                if (mtu < 576 || mtu > 9000) {
                    throw malformed("mtu " + mtu + " outside 576..9000");
                }
                int keepalive = in.i32("keepalive");
                int lease = in.i32("lease time");
                if (keepalive < 1 || lease < 1) {
                    throw malformed("keepalive " + keepalive + " or lease time " + lease + " not positive");
                }
                String node = in.string(1, MAX_NODE_ID, "server node id");
                String pool = in.string(1, MAX_POOL, "pool");
                long leaseSequence = in.i64("lease sequence");
                int count = in.u8("server count");
                if (count > MAX_SERVERS) {
                    throw malformed("server count " + count + " over " + MAX_SERVERS);
                }
                List<InetSocketAddress> servers = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    servers.add(in.socket(true, "server"));
                }
                long tunnelKey = 0;
                String serverKey = "";
                if (version >= 2) {
                    tunnelKey = in.i32("tunnel key") & 0xffffffffL;
                    serverKey = in.string(0, MAX_PUBLIC_KEY, "server public key");
                }
                TunnelParameters p = new TunnelParameters(inner, prefix, gateway, endpoint, tunnelType, mtu,
                        keepalive, lease, node, tunnelKey, serverKey);
                yield new Params(p, pool, leaseSequence, servers);
            }
            case CONFIRM -> new Confirm(in.string(1, MAX_POOL, "pool"), in.ip("address"), in.i64("lease sequence"));
            case RENEW -> {
                String pool = in.string(1, MAX_POOL, "pool");
                InetAddress address = in.ip("address");
                long sequence = in.i64("lease sequence");
                if (version < 2) {
                    yield new Renew(pool, address, sequence);
                }
                String server = in.string(0, MAX_NODE_ID, "tunnel server");
                yield new Renew(pool, address, sequence, server, readPath(in));
            }
            case PATH -> {
                if (version < 2) {
                    throw malformed("PATH exists only in version 2");
                }
                String pool = in.string(1, MAX_POOL, "pool");
                InetAddress address = in.ip("address");
                long sequence = in.i64("lease sequence");
                yield new PathUpdate(pool, address, sequence, readOuterPath(in));
            }
            case RELEASE -> new Release(in.string(1, MAX_POOL, "pool"), in.ip("address"), in.i64("lease sequence"));
            case NAK -> {
                int code = in.u8("reason");
                if (code == 0) {
                    throw malformed("reason code 0");
                }
                // Unknown reasons from a newer peer read as INTERNAL: still a refusal, never a drop.
                String text = in.string(0, MAX_NAK_TEXT, "text");
                long mark = version >= Codec.RESYNC_VERSION ? in.i64("sequence mark") : 0;
                yield new Nak(Reason.fromCode(code), text, mark);
            }
            case ACK -> {
                int code = in.u8("acknowledged type");
                MessageType acknowledged = HeaderCodec.typeOf(code);
                if (acknowledged == null || Codec.isEnrolment(acknowledged)
                        || (acknowledged == MessageType.PATH && version < 2)) {
                    throw malformed("unknown acknowledged type " + code);
                }
                yield new Ack(acknowledged);
            }
            case ENROL, ENROL_REPLY -> throw malformed(type + " is not a sealed body: EnrolCodec reads it");
        };
    }

    /** The u8 length + UTF-8 bytes of {@code s}, cut at a character boundary to {@code max} bytes. */
    private static byte[] truncateUtf8(String s, int max) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        int length = utf8.length;
        if (length > max) {
            length = max;
            while (length > 0 && (utf8[length] & 0xc0) == 0x80) { // don't split a multi-byte sequence
                length--;
            }
        }
        byte[] out = new byte[1 + length];
        out[0] = (byte) length;
        System.arraycopy(utf8, 0, out, 1, length);
        return out;
    }

    private static ProtocolException malformed(String message) {
        return WireReader.malformed(message);
    }
}
