package net.dtm.testkit.lease;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.dtm.api.DeviceId;

/**
 * Benchmark devices: ids {@code <prefix>-<n>} and keys derived from a seed (SHA-256 of
 * {@code "dtm-bench:" + seed + ":" + id}), so a load process and a node process agree on a
 * million keys without handing them over. For benchmarks and tests only: anyone who knows the seed
 * knows every key.
 */
public final class DeviceKeys {

    private DeviceKeys() {
    }

    /** The {@code i}-th device id: {@code prefix-000000i} (zero-padded to 9 digits). */
    public static DeviceId id(String prefix, long i) {
        if (i < 0) {
            throw new IllegalArgumentException("device number must not be negative, got " + i);
        }
        String n = Long.toString(i);
        StringBuilder b = new StringBuilder(prefix.length() + 1 + Math.max(9, n.length())).append(prefix).append('-');
        for (int pad = n.length(); pad < 9; pad++) {
            b.append('0');
        }
        return DeviceId.of(b.append(n).toString());
    }

    /** Devices {@code prefix-0 .. prefix-(n-1)}, computed on access. */
    public static List<DeviceId> ids(String prefix, int n) {
        return new AbstractList<>() {
            @Override
            public DeviceId get(int index) {
                if (index < 0 || index >= n) {
                    throw new IndexOutOfBoundsException(index);
                }
                return id(prefix, index);
            }

            @Override
            public int size() {
                return n;
            }
        };
    }

    /** The 32-byte key of {@code device} under {@code seed}. */
    public static byte[] key(long seed, DeviceId device) {
        return SHA256.get().digest(("dtm-bench:" + seed + ":" + device.value()).getBytes(StandardCharsets.US_ASCII));
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    });

    /** Keys of all {@code devices}. */
    public static Map<DeviceId, byte[]> keys(long seed, List<DeviceId> devices) {
        Map<DeviceId, byte[]> out = new HashMap<>(devices.size() * 4 / 3 + 1);
        for (DeviceId d : devices) {
            out.put(d, key(seed, d));
        }
        return out;
    }
}
