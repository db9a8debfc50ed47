package net.dtm.vendor.huaweivrp;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Small address computations the parser needs. */
final class IntentBits {

    /** {@code 0.0.0.0}. */
    static final InetAddress ANY4 = address(new byte[4]);
    /** {@code ::}. */
    static final InetAddress ANY6 = address(new byte[16]);

    private IntentBits() {
    }

    /** The network address of {@code address/length} (IPv4). */
    static InetAddress network(InetAddress address, int length) {
        byte[] b = address.getAddress();
        long v = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
        long m = length == 0 ? 0 : (0xFFFF_FFFFL << (32 - length)) & 0xFFFF_FFFFL;
        long n = v & m;
        return address(new byte[] {(byte) (n >> 24), (byte) (n >> 16), (byte) (n >> 8), (byte) n});
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
