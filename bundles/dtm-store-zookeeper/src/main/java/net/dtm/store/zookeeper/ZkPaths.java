package net.dtm.store.zookeeper;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

import net.dtm.api.Cidr;
import net.dtm.api.DeviceId;
import net.dtm.api.EnrolmentKey;
import net.dtm.api.Pool;
import net.dtm.store.zookeeper.Codec.StoredPool;

/**
 * Where the ZooKeeper store keeps what (relative to the namespace; see {@link ZkStore} for the
 * layout): the fixed directories, the bucketed names of bindings and devices, and the escaping of
 * names. Every name in a directory is a fixed-width hex string, so names sort in address order
 * and no directory holds more than 4096 names.
 */
final class ZkPaths {

    static final String POOLS = "/pools";
    static final String BINDINGS = "/bindings";
    static final String DEVICES = "/devices";
    static final String ENROLMENT_KEYS = "/enrolment-keys";
    static final int BUCKET_BITS = 12;

    private ZkPaths() {
    }

    /**
     * What a live pool generation needs for paths: the pool (its prefix and delegated length never
     * change), the generation, and the shape of its address keys: a block offset is written in
     * {@code hexWidth} hex digits (enough for every block of the prefix, not only the 2^62 the pool
     * manager allocates from) under {@code levels - 1} bucket levels of 12 bits each.
     */
    record PoolRef(Pool pool, String generation, int levels, int hexWidth) {

        static PoolRef of(StoredPool stored) {
            Pool p = stored.pool();
            int bits = p.delegatedLength() - p.prefix().prefixLength();
            int levels = Math.max(2, (bits + BUCKET_BITS - 1) / BUCKET_BITS);
            return new PoolRef(p, stored.generation(), levels, Math.max(1, (bits + 3) / 4));
        }

        String root() {
            return BINDINGS + "/" + generation;
        }

        String alive() {
            return root() + "/alive";
        }

        String deviceDir() {
            return root() + "/d";
        }

        String addressDir() {
            return root() + "/a";
        }

        String deviceBucket(DeviceId device) {
            CRC32 crc = new CRC32();
            crc.update(device.bytes());
            return deviceDir() + "/" + hex3((int) (crc.getValue() & 0xfff));
        }

        String devicePath(DeviceId device) {
            return deviceBucket(device) + "/" + escape(device.value());
        }

        /** The bucket directories above an address node, top first. */
        List<String> addressBuckets(BigInteger offset) {
            List<String> out = new ArrayList<>(levels - 1);
            StringBuilder path = new StringBuilder(addressDir());
            for (int k = levels - 1; k >= 1; k--) {
                path.append('/').append(hex3(component(offset, k)));
                out.add(path.toString());
            }
            return out;
        }

        String addressPath(BigInteger offset) {
            List<String> buckets = addressBuckets(offset);
            return buckets.get(buckets.size() - 1) + "/" + leafName(offset);
        }

        String leafName(BigInteger offset) {
            String hex = offset.toString(16);
            return "0".repeat(Math.max(0, hexWidth - hex.length())) + hex;
        }

        /** The offset a leaf name stands for, or null if it is not one. */
        BigInteger parseLeaf(String name) {
            if (name.length() != hexWidth) {
                return null;
            }
            try {
                return new BigInteger(name, 16);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        private int blockBits() {
            return pool.prefix().addressBits() - pool.delegatedLength();
        }

        /** The first address of block {@code offset}. */
        InetAddress addressAt(BigInteger offset) {
            return pool.prefix().addressAt(offset.shiftLeft(blockBits()));
        }

        /** The block offset of {@code address}, or null if it is not the start of a block of the pool. */
        BigInteger offsetOrNull(InetAddress address) {
            if (!pool.prefix().contains(address)) {
                return null;
            }
            BigInteger raw = pool.prefix().bigOffsetOf(address);
            BigInteger offset = raw.shiftRight(blockBits());
            return offset.shiftLeft(blockBits()).equals(raw) ? offset : null;
        }

        BigInteger offset(InetAddress address) {
            BigInteger offset = offsetOrNull(address);
            if (offset == null) {
                throw new IllegalArgumentException("address " + Cidr.format(address) + " is not "
                        + (pool.prefix().contains(address) ? "the start of a /" + pool.delegatedLength() + " block of"
                        : "inside") + " pool " + pool.name() + " (" + pool.prefix() + ")");
            }
            return offset;
        }
    }

    static int component(BigInteger offset, int level) {
        return offset.shiftRight(BUCKET_BITS * level).intValue() & 0xfff;
    }

    static String hex3(int v) {
        return String.format("%03x", v);
    }

    /** A device id or pool name as a znode name: only "." and ".." need escaping ('%' is in neither alphabet). */
    static String escape(String name) {
        return name.equals(".") ? "%2E" : name.equals("..") ? "%2E%2E" : name;
    }

    static String unescape(String name) {
        return name.replace("%2E", ".");
    }

    static String poolPath(String name) {
        return POOLS + "/" + escape(name);
    }

    /** An enrolled device's node: {@code /devices/<hhh>/<device>}, hhh 12 bits of the id's CRC-32. */
    static String devicePath(DeviceId id) {
        CRC32 crc = new CRC32();
        crc.update(id.bytes());
        return DEVICES + "/" + hex3((int) (crc.getValue() & 0xfff)) + "/" + escape(id.value());
    }

    /**
     * An enrolment key's node: {@code /enrolment-keys/<id>} (an id is 4 to 32 lower-case letters or
     * digits: a plain znode name; the operator makes a handful, so no buckets).
     *
     * @throws IllegalArgumentException if {@code id} is not a well-formed enrolment key id
     */
    static String enrolmentKeyPath(String id) {
        if (!EnrolmentKey.isValidId(id)) {
            throw new IllegalArgumentException("malformed enrolment key id");
        }
        return ENROLMENT_KEYS + "/" + id;
    }

    static int parseHex3(String name) {
        if (name.length() != 3) {
            return -1;
        }
        try {
            return Integer.parseInt(name, 16);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
