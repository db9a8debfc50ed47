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

import net.dtm.api.TunnelType;
import net.dtm.protocol.ProtocolException.Kind;

/** Bounds-checked big-endian reader over an authenticated body; running short is MALFORMED. */
final class WireReader {
    private static final ThreadLocal<CharsetDecoder> UTF8 =
            ThreadLocal.withInitial(() -> StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT));

    private final byte[] buf;
    private int pos;

    WireReader(byte[] buf) {
        this.buf = buf;
    }

    /** The big-endian long in {@code b} at {@code off}. */
    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }

    static ProtocolException malformed(String message) {
        return new ProtocolException(Kind.MALFORMED, message);
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

    byte[] bytes(int n, String what) throws ProtocolException {
        need(n, what);
        byte[] b = new byte[n];
        System.arraycopy(buf, pos, b, 0, n);
        pos += n;
        return b;
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
            case WireWriter.FAMILY_NONE:
                return null;
            case WireWriter.FAMILY_IPV4:
                length = 4;
                break;
            case WireWriter.FAMILY_IPV6:
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
