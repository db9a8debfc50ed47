package net.dtm.vendor.openwrt;

/** IPv4 netmasks in dotted form, as {@code config route} writes them. */
final class Netmasks {

    private Netmasks() {
    }

    /** {@code 24} → {@code 255.255.255.0}. */
    static String ofLength(int length) {
        long mask = length == 0 ? 0 : (0xffffffffL << (32 - length)) & 0xffffffffL;
        return ((mask >> 24) & 0xff) + "." + ((mask >> 16) & 0xff) + "." + ((mask >> 8) & 0xff) + "." + (mask & 0xff);
    }

    /**
     * {@code 255.255.255.0} → {@code 24}.
     *
     * @throws IllegalArgumentException if {@code mask} is not a contiguous IPv4 netmask
     */
    static int length(String mask) {
        String[] parts = mask.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + mask + "' is not a netmask");
        }
        long value = 0;
        for (String p : parts) {
            int octet;
            try {
                octet = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + mask + "' is not a netmask", e);
            }
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("'" + mask + "' is not a netmask");
            }
            value = (value << 8) | octet;
        }
        int length = Long.bitCount(value);
        if (!ofLength(length).equals(mask)) {
            throw new IllegalArgumentException("'" + mask + "' is not a contiguous netmask");
        }
        return length;
    }
}
