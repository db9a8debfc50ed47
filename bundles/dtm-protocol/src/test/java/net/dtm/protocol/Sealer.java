package net.dtm.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Test-side, independent implementation of the documented datagram layout: builds authentic
 * datagrams around arbitrary header bytes and arbitrary plaintext, so tests can check what decode
 * does with bodies the codec itself would never produce.
 */
final class Sealer {

    private Sealer() {
    }

    static byte[] seal(int type, int direction, String device, byte[] plaintext, byte[] key) throws Exception {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(0x44);
        h.write(0x54);
        h.write(1);
        h.write(type);
        h.write(direction);
        h.write(0);
        h.write(device.length());
        h.write(device.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        h.write(ByteBuffer.allocate(16).putLong(77).putLong(88).array());
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        h.write(nonce);
        byte[] header = h.toByteArray();
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        c.updateAAD(header);
        byte[] ct = c.doFinal(plaintext);
        byte[] out = new byte[header.length + ct.length];
        System.arraycopy(header, 0, out, 0, header.length);
        System.arraycopy(ct, 0, out, header.length, ct.length);
        return out;
    }

    /** Byte-building helper for plaintexts. */
    static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int... values) {
            for (int v : values) {
                out.write(v);
            }
            return this;
        }

        Bytes u16(int v) {
            return u8(v >>> 8, v & 0xff);
        }

        Bytes i32(int v) {
            return u8(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
        }

        Bytes i64(long v) {
            out.writeBytes(ByteBuffer.allocate(8).putLong(v).array());
            return this;
        }

        Bytes str(String s) {
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            u8(b.length);
            out.writeBytes(b);
            return this;
        }

        Bytes ip4(int a, int b, int c, int d) {
            return u8(4, a, b, c, d);
        }

        byte[] build() {
            return out.toByteArray();
        }
    }
}
