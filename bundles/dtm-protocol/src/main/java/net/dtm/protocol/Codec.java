package net.dtm.protocol;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import net.dtm.api.DeviceId;
import net.dtm.api.DtmException.Reason;
import net.dtm.api.TunnelParameters;
import net.dtm.api.TunnelType;
import net.dtm.protocol.ProtocolException.Kind;

/**
 * The v1 datagram codec: clear header, then the body encrypted and authenticated with
 * ChaCha20-Poly1305 under the device's 32-byte key, with the whole clear header as additional
 * authenticated data. The layout is specified byte by byte in {@code docs/wire-format.md}.
 *
 * <p>Stateless and safe for concurrent use from any number of threads.
 *
 * <p>{@link #peek(byte[])} and {@link #decode(byte[], byte[])} reject every malformed datagram with a
 * {@link ProtocolException} and never with any other exception type. {@link #encode(Envelope, byte[])}
 * rejects a message that cannot be represented (too large, a string over its limit, an unresolved
 * address, a type sent in the wrong direction) with an {@link IllegalArgumentException}.
 */
public final class Codec {

    /** Largest datagram sent or accepted, in bytes: fits an IPv6 minimum-MTU path with room for tunnels. */
    public static final int MAX_DATAGRAM = 1200;
    /** The oldest wire version this codec speaks (and the one a v1 peer sends). */
    public static final int VERSION = 1;
    /** The newest wire version this codec speaks: v1 plus the data-plane fields and PATH. */
    public static final int MAX_VERSION = 2;
    /** Longest WireGuard public key (base64 of 32 bytes), in bytes. */
    static final int MAX_PUBLIC_KEY = 44;
    /** First magic byte, {@code 'D'}. */
    public static final byte MAGIC_0 = 0x44;
    /** Second magic byte, {@code 'T'}. */
    public static final byte MAGIC_1 = 0x54;
    /** Device key length in bytes. */
    public static final int KEY_LENGTH = 32;
    /** ChaCha20-Poly1305 nonce length in bytes. */
    public static final int NONCE_LENGTH = 12;
    /** Poly1305 tag length in bytes. */
    public static final int TAG_LENGTH = 16;
    /** Clear header length without the device id bytes. */
    public static final int FIXED_HEADER_LENGTH = 2 + 1 + 1 + 1 + 1 + 1 + 8 + 8 + NONCE_LENGTH;

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

    static final int FAMILY_NONE = 0;
    static final int FAMILY_IPV4 = 4;
    static final int FAMILY_IPV6 = 6;

    private static final int OFF_VERSION = 2;
    private static final int OFF_TYPE = 3;
    private static final int OFF_DIRECTION = 4;
    private static final int OFF_FLAGS = 5;
    private static final int OFF_ID_LENGTH = 6;
    private static final int OFF_ID = 7;

    private static final String CIPHER = "ChaCha20-Poly1305";
    private static final String KEY_ALGORITHM = "ChaCha20";

    // Cipher and SecureRandom instances are not shareable without locking; one per thread each.
    // Each thread's nonces come from its own DRBG (seeded once from the system's entropy): the
    // platform default (NativePRNG) serialises every thread's nextBytes on one global lock.
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(Codec::newCipher);
    private static final ThreadLocal<SecureRandom> RANDOMS = ThreadLocal.withInitial(Codec::newRandom);

    private Codec() {
    }

    /** The direction a message type travels in: requests to the server, answers to the device. */
    public static Direction directionOf(MessageType type) {
        return switch (Objects.requireNonNull(type, "type")) {
            case ESTABLISH, CONFIRM, RENEW, RELEASE, PATH -> Direction.TO_SERVER;
            case PARAMS, NAK, ACK -> Direction.TO_DEVICE;
        };
    }

    /**
     * Encodes, encrypts and authenticates {@code e} under {@code key} with a fresh random nonce.
     *
     * @param e   the message
     * @param key the device's 32-byte key
     * @return the datagram, at most {@link #MAX_DATAGRAM} bytes
     * @throws IllegalArgumentException if the key is not 32 bytes, the datagram would exceed
     *                                  {@link #MAX_DATAGRAM} bytes, a field is outside its wire range,
     *                                  or the body type does not travel in {@code e.direction()}
     */
    public static byte[] encode(Envelope e, byte[] key) {
        Objects.requireNonNull(e, "envelope");
        checkKey(key);
        MessageType type = e.type();
        if (directionOf(type) != e.direction()) {
            throw new IllegalArgumentException(type + " travels " + directionOf(type) + ", not " + e.direction());
        }
        checkVersion(e);
        byte[] id = e.device().bytes();
        int headerLength = FIXED_HEADER_LENGTH + id.length;
        Writer body = new Writer(MAX_DATAGRAM - headerLength - TAG_LENGTH);
        body.u8(type.code());
        writeBody(body, e.body(), e.version());

        byte[] out = new byte[headerLength + body.length() + TAG_LENGTH];
        out[0] = MAGIC_0;
        out[1] = MAGIC_1;
        out[OFF_VERSION] = (byte) e.version();
        out[OFF_TYPE] = (byte) type.code();
        out[OFF_DIRECTION] = (byte) e.direction().code();
        out[OFF_FLAGS] = 0;
        out[OFF_ID_LENGTH] = (byte) id.length;
        System.arraycopy(id, 0, out, OFF_ID, id.length);
        putLong(out, OFF_ID + id.length, e.transactionId());
        putLong(out, OFF_ID + id.length + 8, e.sequence());
        int nonceOffset = OFF_ID + id.length + 16;
        byte[] nonce = new byte[NONCE_LENGTH];
        RANDOMS.get().nextBytes(nonce);
        System.arraycopy(nonce, 0, out, nonceOffset, NONCE_LENGTH);

        try {
            Cipher cipher = initCipher(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
            cipher.updateAAD(out, 0, headerLength);
            int written = cipher.doFinal(body.buffer(), 0, body.length(), out, headerLength);
            if (written != body.length() + TAG_LENGTH) {
                throw new IllegalStateException("cipher wrote " + written + " bytes, expected " + (body.length() + TAG_LENGTH));
            }
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("encryption failed: " + ex.getMessage(), ex);
        }
        return out;
    }

    /**
     * Parses the clear header only, without authenticating anything, so the receiver can find the
     * device's key. Also rejects a datagram too short to hold a body and its tag.
     *
     * @throws ProtocolException if the datagram is oversized, truncated, not DTM, of another
     *                           version, or its header fields are invalid
     */
    public static Header peek(byte[] datagram) throws ProtocolException {
        Objects.requireNonNull(datagram, "datagram");
        try {
            return parseHeader(datagram);
        } catch (RuntimeException ex) {
            throw new ProtocolException(Kind.MALFORMED, "header unreadable: " + ex, ex);
        }
    }

    /**
     * Authenticates, decrypts and parses a datagram under {@code key}, and checks that the body is
     * consistent with the header (same type, the type's direction, no trailing bytes).
     *
     * @param datagram the received datagram
     * @param key      the 32-byte key of the device named in its header (see {@link #peek(byte[])})
     * @throws ProtocolException        for any malformed, truncated, oversized, foreign or forged datagram
     * @throws IllegalArgumentException if {@code key} is not 32 bytes (a caller error, not a datagram error)
     */
    public static Envelope decode(byte[] datagram, byte[] key) throws ProtocolException {
        Objects.requireNonNull(datagram, "datagram");
        checkKey(key);
        try {
            Header header = parseHeader(datagram);
            int headerLength = FIXED_HEADER_LENGTH + (datagram[OFF_ID_LENGTH] & 0xff);
            byte[] plain = decrypt(datagram, headerLength, key);
            Reader in = new Reader(plain);
            int bodyType = in.u8("body type");
            if (bodyType != header.type().code()) {
                throw new ProtocolException(Kind.MALFORMED,
                        "header says " + header.type() + " but body is type " + bodyType);
            }
            if (directionOf(header.type()) != header.direction()) {
                throw new ProtocolException(Kind.MALFORMED,
                        header.type() + " must travel " + directionOf(header.type()) + ", not " + header.direction());
            }
            Message body = readBody(in, header.type(), header.version());
            if (in.remaining() != 0) {
                throw new ProtocolException(Kind.MALFORMED, in.remaining() + " trailing bytes after " + header.type());
            }
            return new Envelope(header.direction(), header.device(), header.transactionId(), header.sequence(), body,
                    header.version());
        } catch (RuntimeException ex) {
            // Safety net: record constructors and JDK parsers must never let a datagram escape as
            // anything but a ProtocolException.
            throw new ProtocolException(Kind.MALFORMED, "unreadable datagram: " + ex, ex);
        }
    }

    // ---------------------------------------------------------------- header

    private static Header parseHeader(byte[] d) throws ProtocolException {
        if (d.length > MAX_DATAGRAM) {
            throw new ProtocolException(Kind.OVERSIZED, d.length + " bytes, at most " + MAX_DATAGRAM);
        }
        if (d.length < 2) {
            throw new ProtocolException(Kind.TRUNCATED, d.length + " bytes, no room for the magic");
        }
        if (d[0] != MAGIC_0 || d[1] != MAGIC_1) {
            throw new ProtocolException(Kind.BAD_MAGIC, String.format("magic 0x%02x%02x", d[0] & 0xff, d[1] & 0xff));
        }
        if (d.length <= OFF_ID_LENGTH) {
            throw new ProtocolException(Kind.TRUNCATED, d.length + " bytes, header incomplete");
        }
        int version = d[OFF_VERSION] & 0xff;
        if (version < VERSION || version > MAX_VERSION) {
            throw new ProtocolException(Kind.BAD_VERSION, "version " + version + ", this codec speaks " + VERSION + ".." + MAX_VERSION);
        }
        MessageType type = typeOf(d[OFF_TYPE] & 0xff);
        if (type == null) {
            throw new ProtocolException(Kind.MALFORMED, "unknown message type " + (d[OFF_TYPE] & 0xff));
        }
        Direction direction = directionOfCode(d[OFF_DIRECTION] & 0xff);
        if (direction == null) {
            throw new ProtocolException(Kind.MALFORMED, "unknown direction " + (d[OFF_DIRECTION] & 0xff));
        }
        if (d[OFF_FLAGS] != 0) {
            throw new ProtocolException(Kind.MALFORMED, "flags " + (d[OFF_FLAGS] & 0xff) + " set, v1 defines none");
        }
        int idLength = d[OFF_ID_LENGTH] & 0xff;
        if (idLength < 1 || idLength > DeviceId.MAX_LENGTH) {
            throw new ProtocolException(Kind.MALFORMED, "device id length " + idLength + " outside 1.." + DeviceId.MAX_LENGTH);
        }
        int headerLength = FIXED_HEADER_LENGTH + idLength;
        // The smallest body is its type byte.
        if (d.length < headerLength + 1 + TAG_LENGTH) {
            throw new ProtocolException(Kind.TRUNCATED,
                    d.length + " bytes, at least " + (headerLength + 1 + TAG_LENGTH) + " needed");
        }
        for (int i = OFF_ID; i < OFF_ID + idLength; i++) {
            if (!deviceIdChar(d[i])) {
                throw new ProtocolException(Kind.MALFORMED, "invalid byte " + (d[i] & 0xff) + " in device id");
            }
        }
        DeviceId device = new DeviceId(new String(d, OFF_ID, idLength, StandardCharsets.US_ASCII));
        long transactionId = getLong(d, OFF_ID + idLength);
        long sequence = getLong(d, OFF_ID + idLength + 8);
        return new Header(version, type, direction, device, transactionId, sequence);
    }

    private static boolean deviceIdChar(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
                || b == '.' || b == '_' || b == ':' || b == '-';
    }

    private static MessageType typeOf(int code) {
        for (MessageType t : MessageType.values()) {
            if (t.code() == code) {
                return t;
            }
        }
        return null;
    }

    private static Direction directionOfCode(int code) {
        for (Direction d : Direction.values()) {
            if (d.code() == code) {
                return d;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- crypto

    private static byte[] decrypt(byte[] d, int headerLength, byte[] key) throws ProtocolException {
        try {
            Cipher cipher = initCipher(Cipher.DECRYPT_MODE, key,
                    new IvParameterSpec(d, headerLength - NONCE_LENGTH, NONCE_LENGTH));
            cipher.updateAAD(d, 0, headerLength);
            return cipher.doFinal(d, headerLength, d.length - headerLength);
        } catch (AEADBadTagException ex) {
            throw new ProtocolException(Kind.AUTH_FAILED, "authentication tag does not verify", ex);
        } catch (GeneralSecurityException ex) {
            throw new ProtocolException(Kind.AUTH_FAILED, "decryption failed: " + ex.getMessage(), ex);
        }
    }

    /**
     * The thread's cipher, initialised. The JDK refuses to re-initialise a ChaCha20 cipher with the
     * key and nonce of its previous initialisation, in either mode (a guard against nonce reuse).
     * For decryption that is legitimate and routine: the same datagram arrives over several links,
     * or a thread decodes what it just encoded. Decryption then first initialises with a different
     * nonce. Encryption never gets that way round the guard (its nonces are random anyway).
     */
    private static Cipher initCipher(int mode, byte[] key, IvParameterSpec nonce) throws GeneralSecurityException {
        SecretKeySpec keySpec = new SecretKeySpec(key, KEY_ALGORITHM);
        Cipher cipher = CIPHERS.get();
        try {
            cipher.init(mode, keySpec, nonce);
        } catch (InvalidKeyException sameKeyAndNonce) {
            if (mode != Cipher.DECRYPT_MODE) {
                throw sameKeyAndNonce;
            }
            byte[] other = nonce.getIV();
            other[0] ^= 1;
            cipher.init(Cipher.DECRYPT_MODE, keySpec, new IvParameterSpec(other));
            cipher.init(mode, keySpec, nonce);
        }
        return cipher;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance(CIPHER);
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException(CIPHER + " is not available in this JVM (Java 11+ required)", ex);
        }
    }

    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (GeneralSecurityException ex) {
            return new SecureRandom(); // every Java 9+ JVM has DRBG; the platform default is correct, only slower
        }
    }

    private static void checkKey(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length != KEY_LENGTH) {
            throw new IllegalArgumentException("device key must be " + KEY_LENGTH + " bytes, got " + key.length);
        }
    }

    // ---------------------------------------------------------------- bodies

    /** A message with version 2 content cannot travel in version 1: refuse rather than drop fields. */
    private static void checkVersion(Envelope e) {
        if (e.version() >= 2) {
            return;
        }
        Message m = e.body();
        boolean v2 = m instanceof PathUpdate
                || (m instanceof Establish x && x.needsV2())
                || (m instanceof Renew x && x.needsV2())
                || (m instanceof Params x && (x.parameters().tunnelKey() != 0 || !x.parameters().serverPublicKey().isEmpty()))
                || (m instanceof Ack x && x.acknowledged() == MessageType.PATH);
        if (v2) {
            throw new IllegalArgumentException(m.type() + " carries version 2 fields (data plane) and cannot be sent in version 1");
        }
    }

    private static void writePath(Writer w, Optional<net.dtm.api.OuterPath> path) {
        if (path.isEmpty()) {
            w.u8(0);
            return;
        }
        w.u8(1);
        w.string(path.get().linkId(), 1, MAX_LINK_ID, "path link id");
        w.socket(path.get().localAddress(), false, "path address");
    }

    private static Optional<net.dtm.api.OuterPath> readPath(Reader in) throws ProtocolException {
        int present = in.u8("path present");
        if (present == 0) {
            return Optional.empty();
        }
        if (present != 1) {
            throw malformed("path present flag " + present + ", expected 0 or 1");
        }
        String link = in.string(1, MAX_LINK_ID, "path link id");
        return Optional.of(new net.dtm.api.OuterPath(link, in.socket(false, "path address")));
    }

    private static void writeBody(Writer w, Message m, int version) {
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
            w.string(x.path().linkId(), 1, MAX_LINK_ID, "path link id");
            w.socket(x.path().localAddress(), false, "path address");
        } else if (m instanceof Release x) {
            writeLeaseRef(w, x.pool(), x.address(), x.leaseSequence());
        } else if (m instanceof Nak x) {
            w.u8(x.reason().code());
            w.bytes(truncateUtf8(x.text(), MAX_NAK_TEXT));
        } else if (m instanceof Ack x) {
            w.u8(x.acknowledged().code());
        } else {
            throw new IllegalArgumentException("unknown message " + m.getClass().getName());
        }
    }

    private static void writeLeaseRef(Writer w, String pool, InetAddress address, long leaseSequence) {
        w.string(pool, 1, MAX_POOL, "pool");
        w.ip(address);
        w.i64(leaseSequence);
    }

    private static Message readBody(Reader in, MessageType type, int version) throws ProtocolException {
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
                String link = in.string(1, MAX_LINK_ID, "path link id");
                yield new PathUpdate(pool, address, sequence, new net.dtm.api.OuterPath(link, in.socket(false, "path address")));
            }
            case RELEASE -> new Release(in.string(1, MAX_POOL, "pool"), in.ip("address"), in.i64("lease sequence"));
            case NAK -> {
                int code = in.u8("reason");
                if (code == 0) {
                    throw malformed("reason code 0");
                }
                // Unknown reasons from a newer peer read as INTERNAL: still a refusal, never a drop.
                yield new Nak(Reason.fromCode(code), in.string(0, MAX_NAK_TEXT, "text"));
            }
            case ACK -> {
                int code = in.u8("acknowledged type");
                MessageType acknowledged = typeOf(code);
                if (acknowledged == null || (acknowledged == MessageType.PATH && version < 2)) {
                    throw malformed("unknown acknowledged type " + code);
                }
                yield new Ack(acknowledged);
            }
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
        return new ProtocolException(Kind.MALFORMED, message);
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    // ---------------------------------------------------------------- primitives

    /** Bounded big-endian writer; overflowing the datagram budget is an IllegalArgumentException. */
    private static final class Writer {
        private final byte[] buf;
        private int pos;

        Writer(int capacity) {
            buf = new byte[Math.max(0, capacity)];
        }

        byte[] buffer() {
            return buf;
        }

        int length() {
            return pos;
        }

        private void room(int n) {
            if (pos + n > buf.length) {
                throw new IllegalArgumentException("message does not fit in " + MAX_DATAGRAM + " bytes");
            }
        }

        void u8(int v) {
            room(1);
            buf[pos++] = (byte) v;
        }

        void u16(int v) {
            room(2);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        }

        void i32(int v) {
            room(4);
            for (int i = 3; i >= 0; i--) {
                buf[pos++] = (byte) (v >>> (8 * i));
            }
        }

        void i64(long v) {
            room(8);
            putLong(buf, pos, v);
            pos += 8;
        }

        void bytes(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        }

        void string(String s, int min, int max, String what) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length < min || b.length > max) {
                throw new IllegalArgumentException(what + " '" + s + "' is " + b.length + " bytes, allowed " + min + ".." + max);
            }
            u8(b.length);
            bytes(b);
        }

        void ip(InetAddress a) {
            byte[] b = a.getAddress();
            u8(b.length == 4 ? FAMILY_IPV4 : FAMILY_IPV6);
            bytes(b);
        }

        void optionalIp(InetAddress a) {
            if (a == null) {
                u8(FAMILY_NONE);
            } else {
                ip(a);
            }
        }

        void socket(InetSocketAddress s, boolean portRequired, String what) {
            if (s.isUnresolved() || s.getAddress() == null) {
                throw new IllegalArgumentException(what + " " + s + " is unresolved: only IP addresses go on the wire");
            }
            if (portRequired && s.getPort() == 0) {
                throw new IllegalArgumentException(what + " " + s + " has port 0");
            }
            ip(s.getAddress());
            u16(s.getPort());
        }
    }

    /** Bounds-checked big-endian reader over an authenticated body; running short is MALFORMED. */
    private static final class Reader {
        private static final ThreadLocal<CharsetDecoder> UTF8 =
                ThreadLocal.withInitial(() -> StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT));

        private final byte[] buf;
        private int pos;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        int remaining() {
            return buf.length - pos;
        }

        private void need(int n, String what) throws ProtocolException {
            if (buf.length - pos < n) {
                throw malformed("body ends inside " + what);
            }
        }

        int u8(String what) throws ProtocolException {
            need(1, what);
            return buf[pos++] & 0xff;
        }

        int u16(String what) throws ProtocolException {
            need(2, what);
            int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        int i32(String what) throws ProtocolException {
            need(4, what);
            int v = 0;
            for (int i = 0; i < 4; i++) {
                v = (v << 8) | (buf[pos++] & 0xff);
            }
            return v;
        }

        long i64(String what) throws ProtocolException {
            need(8, what);
            long v = getLong(buf, pos);
            pos += 8;
            return v;
        }

        String string(int min, int max, String what) throws ProtocolException {
            int length = u8(what + " length");
            if (length < min || length > max) {
                throw malformed(what + " length " + length + " outside " + min + ".." + max);
            }
            need(length, what);
            CharsetDecoder decoder = UTF8.get();
            try {
                CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(buf, pos, length));
                pos += length;
                return chars.toString();
            } catch (CharacterCodingException ex) {
                throw new ProtocolException(Kind.MALFORMED, what + " is not valid UTF-8", ex);
            }
        }

        InetAddress ip(String what) throws ProtocolException {
            InetAddress a = optionalIp(what);
            if (a == null) {
                throw malformed(what + " missing (family 0)");
            }
            return a;
        }

        InetAddress optionalIp(String what) throws ProtocolException {
            int family = u8(what + " family");
            int length;
            switch (family) {
                case FAMILY_NONE:
                    return null;
                case FAMILY_IPV4:
                    length = 4;
                    break;
                case FAMILY_IPV6:
                    length = 16;
                    break;
                default:
                    throw malformed(what + " has unknown address family " + family);
            }
            need(length, what);
            byte[] b = new byte[length];
            System.arraycopy(buf, pos, b, 0, length);
            pos += length;
            try {
                return length == 4 ? Inet4Address.getByAddress(b) : Inet6Address.getByAddress(b);
            } catch (UnknownHostException ex) {
                throw new ProtocolException(Kind.MALFORMED, what + " unreadable", ex);
            }
        }

        InetSocketAddress socket(boolean portRequired, String what) throws ProtocolException {
            InetAddress a = ip(what);
            int port = u16(what + " port");
            if (portRequired && port == 0) {
                throw malformed(what + " has port 0");
            }
            return new InetSocketAddress(a, port);
        }

        TunnelType tunnelType() throws ProtocolException {
            int code = u8("tunnel type");
            for (TunnelType t : TunnelType.values()) {
                if (t.code() == code) {
                    return t;
                }
            }
            throw malformed("unknown tunnel type " + code);
        }
    }
}
