package net.dtm.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Bounded big-endian writer for a datagram body; overflowing the datagram budget, a string over its
 * limit or an address that cannot go on the wire is an {@link IllegalArgumentException}.
 */
final class WireWriter {

    /** Address family byte: no address follows. */
    static final int FAMILY_NONE = 0;
    /** Address family byte: 4 address bytes follow. */
    static final int FAMILY_IPV4 = 4;
    /** Address family byte: 16 address bytes follow. */
    static final int FAMILY_IPV6 = 6;

    private final byte[] buf;
    private int pos;

    WireWriter(int capacity) {
        buf = new byte[Math.max(0, capacity)];
    }

    /** Writes {@code v} big-endian into {@code b} at {@code off}. */
    static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    byte[] buffer() {
        return buf;
    }

    int length() {
        return pos;
    }

    private void room(int n) {
        if (pos + n > buf.length) {
            throw new IllegalArgumentException("message does not fit in " + Codec.MAX_DATAGRAM + " bytes");
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
