package net.dtm.vendor.huaweivrp.emulator;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.dtm.vendor.huaweivrp.emulator.CommandLine.Refusal;

/**
 * The configuration commands the emulated VRP knows, as changes to a {@link VrpModel}: the
 * system-view commands ({@code sysname}, {@code interface}, {@code undo interface},
 * {@code ip route-static}) and the interface-view commands of a tunnel or Ethernet interface.
 * Each either changes the model or returns the refusal VRP would print, and never both.
 */
final class VrpCommands {

    static final int MIN_TUNNEL_MTU = 46;
    static final int MAX_TUNNEL_MTU = 9600;
    static final int MAX_SYSNAME = 246;
    static final int MAX_DESCRIPTION = 242;

    private static final Pattern IFACE = Pattern.compile("(?i)(tunnel|gigabitethernet|loopback)\\s*(\\d+(?:/\\d+)*)");

    private VrpCommands() {
    }

    /** A refusal, or the canonical interface name. */
    record Named(Optional<Refusal> refusal, String name) {
    }

    /**
     * The interface named from word {@code from} on ({@code Tunnel0/0/1} or {@code Tunnel 0/0/1}),
     * and how many words it took; the name is canonical ({@code Tunnel0/0/1}).
     */
    static Optional<String[]> interfaceName(CommandLine l, int from) {
        String one = l.word(from);
        String two = l.word(from) + l.word(from + 1);
        for (String[] candidate : new String[][] {{one, "1"}, {two, "2"}}) {
            Matcher m = IFACE.matcher(candidate[0]);
            if (m.matches()) {
                String type = switch (m.group(1).toLowerCase(Locale.ROOT)) {
                    case "tunnel" -> "Tunnel";
                    case "gigabitethernet" -> "GigabitEthernet";
                    default -> "LoopBack";
                };
                String nums = m.group(2);
                boolean shape = switch (type) {
                    case "Tunnel", "GigabitEthernet" -> nums.matches("0/0/\\d{1,5}");
                    default -> nums.matches("\\d{1,4}");
                };
                if (!shape) {
                    return Optional.empty();
                }
                long last = Long.parseLong(nums.replaceAll("^.*/", ""));
                if ((type.equals("Tunnel") && last > 65535) || (type.equals("LoopBack") && last > 1023)) {
                    return Optional.empty();
                }
                return Optional.of(new String[] {type + nums, candidate[1]});
            }
        }
        return Optional.empty();
    }

    /** {@code interface NAME} in the system view: the interface (created if logical and absent). */
    static Named enterInterface(VrpModel m, CommandLine l, int from) {
        if (l.size() <= from) {
            return new Named(Optional.of(l.incomplete()), "");
        }
        Optional<String[]> name = interfaceName(l, from);
        if (name.isEmpty()) {
            return new Named(Optional.of(l.wrong(from)), "");
        }
        if (l.size() > from + Integer.parseInt(name.get()[1])) {
            return new Named(Optional.of(l.tooMany(from + Integer.parseInt(name.get()[1]))), "");
        }
        String n = name.get()[0];
        if (!m.interfaces.containsKey(n)) {
            if (n.startsWith("GigabitEthernet")) {
                return new Named(Optional.of(l.wrong(from)), "");
            }
            m.interfaces.put(n, new VrpModel.Iface(n));
        }
        return new Named(Optional.empty(), n);
    }

    /** A configuration command of the system view ({@code interface} excepted). */
    static Optional<Refusal> system(VrpModel m, CommandLine l) {
        if (l.startsWith("sysname")) {
            String name = l.rest(1);
            if (name.isEmpty()) {
                return Optional.of(l.incomplete());
            }
            if (name.length() > MAX_SYSNAME) {
                return Optional.of(l.wrong(1));
            }
            m.sysname = name;
            return Optional.empty();
        }
        if (l.startsWith("undo", "interface")) {
            Optional<String[]> name = interfaceName(l, 2);
            if (name.isEmpty()) {
                return Optional.of(l.size() <= 2 ? l.incomplete() : l.wrong(2));
            }
            String n = name.get()[0];
            if (n.startsWith("GigabitEthernet")) {
                return Optional.of(CommandLine.plain("The physical interface cannot be deleted."));
            }
            if (m.interfaces.remove(n) == null) {
                return Optional.of(CommandLine.plain("The interface does not exist."));
            }
            return Optional.empty();
        }
        if (l.startsWith("ip", "route-static")) {
            return route(m, l, 2, false);
        }
        if (l.startsWith("undo", "ip", "route-static")) {
            return route(m, l, 3, true);
        }
        if (l.startsWith("ipv6", "route-static")) {
            return route6(m, l, 2, false);
        }
        if (l.startsWith("undo", "ipv6", "route-static")) {
            return route6(m, l, 3, true);
        }
        return Optional.of(l.unrecognized(firstUnknown(l, "sysname", "interface", "ip", "ipv6", "undo")));
    }

    private static int firstUnknown(CommandLine l, String... known) {
        for (String k : known) {
            if (l.word(0).equalsIgnoreCase(k)) {
                return 1;
            }
        }
        return 0;
    }

    private static Optional<Refusal> route(VrpModel m, CommandLine l, int i, boolean undo) {
        if (l.size() < i + 2) {
            return Optional.of(l.incomplete());
        }
        Optional<long[]> prefix = ipv4(l.word(i));
        if (prefix.isEmpty()) {
            return Optional.of(l.wrong(i));
        }
        Optional<Integer> length = maskOrLength(l.word(i + 1));
        if (length.isEmpty()) {
            return Optional.of(l.wrong(i + 1));
        }
        if ((prefix.get()[0] & ~mask(length.get()) & 0xFFFF_FFFFL) != 0) {
            return Optional.of(CommandLine.plain("The destination address and mask do not match."));
        }
        int w = i + 2;
        String iface = "";
        Optional<String[]> name = l.size() > w && Character.isLetter(l.word(w).charAt(0)) ? interfaceName(l, w) : Optional.empty();
        if (l.size() > w && Character.isLetter(l.word(w).charAt(0)) && !l.word(w).equalsIgnoreCase("preference")) {
            if (name.isEmpty()) {
                return Optional.of(l.wrong(w));
            }
            iface = name.get()[0];
            if (!undo && !m.interfaces.containsKey(iface)) {
                return Optional.of(l.wrong(w));
            }
            w += Integer.parseInt(name.get()[1]);
        }
        String hop = "";
        if (l.size() > w && !l.word(w).equalsIgnoreCase("preference")) {
            if (ipv4(l.word(w)).isEmpty()) {
                return Optional.of(l.wrong(w));
            }
            hop = l.word(w++);
        }
        if (l.size() > w && l.word(w).equalsIgnoreCase("preference")) {
            if (l.size() == w + 1) {
                return Optional.of(l.incomplete());
            }
            if (!l.word(w + 1).matches("\\d{1,3}") || Integer.parseInt(l.word(w + 1)) < 1 || Integer.parseInt(l.word(w + 1)) > 255) {
                return Optional.of(l.wrong(w + 1));
            }
            w += 2;
        }
        if (l.size() > w) {
            return Optional.of(l.tooMany(w));
        }
        String p = dotted(prefix.get()[0]);
        String mask = dotted(mask(length.get()));
        if (undo) {
            String fi = iface;
            String fh = hop;
            boolean removed = m.routes.removeIf(r -> r.prefix().equals(p) && r.mask().equals(mask)
                    && (fi.isEmpty() || r.iface().equals(fi)) && (fh.isEmpty() || r.nextHop().equals(fh)));
            return removed ? Optional.empty() : Optional.of(CommandLine.plain("The static route does not exist."));
        }
        if (hop.isEmpty() && (iface.isEmpty() || !iface.startsWith("Tunnel"))) {
            return Optional.of(l.incomplete());
        }
        m.routes.add(new VrpModel.Route(p, mask, iface, hop));
        return Optional.empty();
    }

    private static Optional<Refusal> route6(VrpModel m, CommandLine l, int i, boolean undo) {
        if (l.size() < i + 2) {
            return Optional.of(l.incomplete());
        }
        Optional<String> prefix = ipv6(l.word(i));
        if (prefix.isEmpty()) {
            return Optional.of(l.wrong(i));
        }
        if (!l.word(i + 1).matches("\\d{1,3}") || Integer.parseInt(l.word(i + 1)) > 128) {
            return Optional.of(l.wrong(i + 1));
        }
        int length = Integer.parseInt(l.word(i + 1));
        net.dtm.api.Cidr network;
        try {
            network = net.dtm.api.Cidr.parse(prefix.get() + "/" + length);
        } catch (IllegalArgumentException hostBits) {
            return Optional.of(CommandLine.plain("The destination address and mask do not match."));
        }
        int w = i + 2;
        String iface = "";
        if (l.size() > w && Character.isLetter(l.word(w).charAt(0)) && !l.word(w).equalsIgnoreCase("preference")) {
            Optional<String[]> name = interfaceName(l, w);
            if (name.isEmpty() || (!undo && !m.interfaces.containsKey(name.get()[0]))) {
                return Optional.of(l.wrong(w));
            }
            iface = name.get()[0];
            w += Integer.parseInt(name.get()[1]);
        }
        String hop = "";
        if (l.size() > w) {
            Optional<String> h = ipv6(l.word(w));
            if (h.isEmpty()) {
                return Optional.of(l.wrong(w));
            }
            hop = h.get();
            w++;
        }
        if (l.size() > w) {
            return Optional.of(l.tooMany(w));
        }
        String p = net.dtm.api.Cidr.format(network.network()).toUpperCase(Locale.ROOT);
        String len = Integer.toString(length);
        if (undo) {
            String fi = iface;
            String fh = hop;
            boolean removed = m.routes.removeIf(r -> r.prefix().equals(p) && r.mask().equals(len)
                    && (fi.isEmpty() || r.iface().equals(fi)) && (fh.isEmpty() || r.nextHop().equals(fh)));
            return removed ? Optional.empty() : Optional.of(CommandLine.plain("The static route does not exist."));
        }
        if (hop.isEmpty() && (iface.isEmpty() || !iface.startsWith("Tunnel"))) {
            return Optional.of(l.incomplete());
        }
        m.routes.add(new VrpModel.Route(p, len, iface, hop));
        return Optional.empty();
    }

    /** An IPv6 literal in VRP's capitals, or empty. */
    static Optional<String> ipv6(String s) {
        if (!s.contains(":")) {
            return Optional.empty();
        }
        try {
            return Optional.of(net.dtm.api.Cidr.format(net.dtm.api.Cidr.parseLiteral(s)).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Refusal> ipv6Command(VrpModel.Iface i, CommandLine l, int k, boolean undo) {
        String sub = l.word(k + 1).toLowerCase(Locale.ROOT);
        if (sub.equals("enable")) {
            i.ipv6 = !undo;
            if (undo) {
                i.ipv6Address = "";
            }
            return none(l, k + 2);
        }
        if (!sub.equals("address")) {
            return Optional.of(l.size() <= k + 1 ? l.incomplete() : l.unrecognized(k + 1));
        }
        if (l.size() <= k + 2) {
            return Optional.of(undo ? l.incomplete() : l.incomplete());
        }
        String[] parts = l.word(k + 2).split("/");
        Optional<String> a = ipv6(parts[0]);
        if (parts.length != 2 || a.isEmpty() || !parts[1].matches("\\d{1,3}") || Integer.parseInt(parts[1]) < 1
                || Integer.parseInt(parts[1]) > 128) {
            return Optional.of(l.wrong(k + 2));
        }
        if (l.size() > k + 3) {
            return Optional.of(l.tooMany(k + 3));
        }
        String value = a.get() + "/" + Integer.parseInt(parts[1]);
        if (undo) {
            if (!i.ipv6Address.equals(value)) {
                return Optional.of(CommandLine.plain("The address does not exist."));
            }
            i.ipv6Address = "";
            return Optional.empty();
        }
        if (!i.ipv6) {
            return Optional.of(CommandLine.plain("Please enable IPv6 on the interface first."));
        }
        i.ipv6Address = value;
        return Optional.empty();
    }

    /** A command of the view of interface {@code name}. */
    static Optional<Refusal> inInterface(VrpModel m, String name, CommandLine l) {
        VrpModel.Iface i = m.interfaces.get(name);
        if (i == null) {
            return Optional.of(CommandLine.plain("The interface does not exist."));
        }
        boolean tunnel = i.tunnel();
        String w0 = l.word(0).toLowerCase(Locale.ROOT);
        boolean undo = w0.equals("undo");
        int k = undo ? 1 : 0;
        String cmd = l.word(k).toLowerCase(Locale.ROOT);
        switch (cmd) {
            case "description" -> {
                if (undo) {
                    i.description = "";
                    return none(l, k + 1);
                }
                String d = l.rest(k + 1);
                if (d.isEmpty()) {
                    return Optional.of(l.incomplete());
                }
                if (d.length() > MAX_DESCRIPTION) {
                    return Optional.of(l.wrong(k + 1));
                }
                i.description = d;
                return Optional.empty();
            }
            case "shutdown" -> {
                i.shutdown = !undo;
                return none(l, k + 1);
            }
            case "ipv6" -> {
                return ipv6Command(i, l, k, undo);
            }
            case "ip" -> {
                if (!l.word(k + 1).equalsIgnoreCase("address")) {
                    return Optional.of(l.size() <= k + 1 ? l.incomplete() : l.unrecognized(k + 1));
                }
                return address(m, i, l, k + 2, undo);
            }
            default -> {
                // below
            }
        }
        if (!tunnel) {
            return Optional.of(l.unrecognized(k));
        }
        switch (cmd) {
            case "mtu" -> {
                if (undo) {
                    i.mtu = VrpModel.DEFAULT_MTU;
                    return none(l, k + 1);
                }
                if (l.size() <= k + 1) {
                    return Optional.of(l.incomplete());
                }
                String v = l.word(k + 1);
                if (!v.matches("\\d{1,5}") || Integer.parseInt(v) < MIN_TUNNEL_MTU || Integer.parseInt(v) > MAX_TUNNEL_MTU) {
                    return Optional.of(l.wrong(k + 1));
                }
                i.mtu = Integer.parseInt(v);
                return none(l, k + 2);
            }
            case "tunnel-protocol" -> {
                if (undo) {
                    i.protocol = "none";
                    i.keyed = false;
                    return none(l, k + 1);
                }
                if (l.size() <= k + 1) {
                    return Optional.of(l.incomplete());
                }
                String p = l.word(k + 1).toLowerCase(Locale.ROOT);
                if (!p.equals("gre") && !p.equals("ipv4-ipv4") && !p.equals("none")) {
                    return Optional.of(l.wrong(k + 1));
                }
                if (!p.equals("gre")) {
                    i.keyed = false;
                }
                i.protocol = p;
                return none(l, k + 2);
            }
            case "source", "destination" -> {
                if (undo) {
                    if (cmd.equals("source")) {
                        i.source = "";
                    } else {
                        i.destination = "";
                    }
                    return none(l, k + 1);
                }
                if (l.size() <= k + 1) {
                    return Optional.of(l.incomplete());
                }
                String v = l.word(k + 1);
                boolean ok = ipv4(v).isPresent() || (cmd.equals("source") && interfaceName(l, k + 1).isPresent());
                if (!ok) {
                    return Optional.of(l.wrong(k + 1));
                }
                if (i.protocol.equals("none")) {
                    return Optional.of(CommandLine.plain("Please configure the tunnel protocol first."));
                }
                if (cmd.equals("source")) {
                    i.source = ipv4(v).isPresent() ? v : interfaceName(l, k + 1).get()[0];
                } else {
                    i.destination = v;
                }
                return Optional.empty();
            }
            case "gre" -> {
                if (!l.word(k + 1).equalsIgnoreCase("key")) {
                    return Optional.of(l.size() <= k + 1 ? l.incomplete() : l.unrecognized(k + 1));
                }
                if (!i.protocol.equals("gre")) {
                    return Optional.of(CommandLine.plain("The tunnel protocol is not GRE."));
                }
                if (undo) {
                    i.keyed = false;
                    i.greKey = 0;
                    i.keyPlain = false;
                    i.keyCipher = "";
                    return none(l, k + 2);
                }
                return greKey(i, l, k + 2);
            }
            default -> {
                return Optional.of(l.unrecognized(k));
            }
        }
    }

    /**
     * {@code gre key { plain K | [ cipher ] K }} (K 0..4294967295): a plain key is stored and shown
     * as {@code gre key plain K}; any other is stored encrypted and shown as
     * {@code gre key cipher %^%#...%^%#}, as VRP 8 does. {@code cipher} also takes such a cipher text back.
     */
    private static Optional<Refusal> greKey(VrpModel.Iface i, CommandLine l, int v) {
        boolean plain = l.word(v).equalsIgnoreCase("plain");
        boolean cipher = l.word(v).equalsIgnoreCase("cipher");
        int w = plain || cipher ? v + 1 : v;
        if (l.size() <= w) {
            return Optional.of(l.incomplete());
        }
        String value = l.word(w);
        long key;
        if (cipher && value.startsWith(CIPHER_MARK)) {
            Optional<Long> decoded = decipher(value);
            if (decoded.isEmpty()) {
                return Optional.of(l.wrong(w));
            }
            key = decoded.get();
        } else if (value.matches("\\d{1,10}") && Long.parseLong(value) <= 0xFFFF_FFFFL) {
            key = Long.parseLong(value);
        } else {
            return Optional.of(l.wrong(w));
        }
        if (l.size() > w + 1) {
            return Optional.of(l.tooMany(w + 1));
        }
        i.keyed = true;
        i.greKey = key;
        i.keyPlain = plain;
        i.keyCipher = plain ? "" : encipher(key, i.name);
        return Optional.empty();
    }

    static final String CIPHER_MARK = "%^%#";
    private static final String CIPHER_ALPHABET = "!#$&'()*+,-.:;<=";

    /** VRP's reversible cipher text of {@code key}, salted by the interface (stable while the candidate is replayed). */
    static String encipher(long key, String salt) {
        long s = Integer.toUnsignedLong(salt.hashCode() * 0x9E3779B1);
        String hex = String.format("%08x%08x%016x", s, key ^ s, Long.rotateLeft(s * 0x100000001B3L, 17));
        StringBuilder b = new StringBuilder(CIPHER_MARK);
        for (char c : hex.toCharArray()) {
            b.append(CIPHER_ALPHABET.charAt(Character.digit(c, 16)));
        }
        return b.append(CIPHER_MARK).toString();
    }

    static Optional<Long> decipher(String text) {
        if (!text.startsWith(CIPHER_MARK) || !text.endsWith(CIPHER_MARK) || text.length() != 2 * CIPHER_MARK.length() + 32) {
            return Optional.empty();
        }
        StringBuilder hex = new StringBuilder();
        for (char c : text.substring(CIPHER_MARK.length(), text.length() - CIPHER_MARK.length()).toCharArray()) {
            int d = CIPHER_ALPHABET.indexOf(c);
            if (d < 0) {
                return Optional.empty();
            }
            hex.append(Character.forDigit(d, 16));
        }
        long s = Long.parseLong(hex.substring(0, 8), 16);
        return Optional.of(Long.parseLong(hex.substring(8, 16), 16) ^ s);
    }

    private static Optional<Refusal> address(VrpModel m, VrpModel.Iface i, CommandLine l, int w, boolean undo) {
        if (undo && l.size() == w) {
            if (i.address.isEmpty()) {
                return Optional.of(CommandLine.plain("The address does not exist."));
            }
            i.address = "";
            i.mask = "";
            return Optional.empty();
        }
        if (l.size() < w + 2) {
            return Optional.of(l.incomplete());
        }
        Optional<long[]> a = ipv4(l.word(w));
        if (a.isEmpty()) {
            return Optional.of(l.wrong(w));
        }
        Optional<Integer> len = maskOrLength(l.word(w + 1));
        if (len.isEmpty() || len.get() == 0) {
            return Optional.of(l.wrong(w + 1));
        }
        if (l.size() > w + 2) {
            return Optional.of(l.tooMany(w + 2));
        }
        String mask = dotted(mask(len.get()));
        if (undo) {
            if (!i.address.equals(l.word(w)) || !i.mask.equals(mask)) {
                return Optional.of(CommandLine.plain("The address does not exist."));
            }
            i.address = "";
            i.mask = "";
            return Optional.empty();
        }
        long host = a.get()[0] & ~mask(len.get()) & 0xFFFF_FFFFL;
        long hostMax = ~mask(len.get()) & 0xFFFF_FFFFL;
        if (len.get() < 31 && (host == 0 || host == hostMax)) {
            return Optional.of(CommandLine.plain("The specified IP address is invalid."));
        }
        long net = a.get()[0] & mask(len.get());
        for (VrpModel.Iface other : m.interfaces.values()) {
            if (other != i && !other.address.isEmpty()) {
                int ol = Long.bitCount(ipv4(other.mask).orElseThrow()[0]);
                long on = ipv4(other.address).orElseThrow()[0] & mask(ol);
                int shorter = Math.min(ol, len.get());
                if ((on & mask(shorter)) == (net & mask(shorter))) {
                    return Optional.of(CommandLine.plain("The specified address conflicts with another address."));
                }
            }
        }
        i.address = l.word(w);
        i.mask = mask;
        return Optional.empty();
    }

    private static Optional<Refusal> none(CommandLine l, int expectedWords) {
        return l.size() > expectedWords ? Optional.of(l.tooMany(expectedWords)) : Optional.empty();
    }

    /** An IPv4 literal as a number. */
    static Optional<long[]> ipv4(String s) {
        if (!s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return Optional.empty();
        }
        long v = 0;
        for (String o : s.split("\\.")) {
            int n = Integer.parseInt(o);
            if (n > 255) {
                return Optional.empty();
            }
            v = (v << 8) | n;
        }
        return Optional.of(new long[] {v});
    }

    /** A dotted contiguous mask or a length 0..32. */
    static Optional<Integer> maskOrLength(String s) {
        if (s.matches("\\d{1,2}")) {
            int n = Integer.parseInt(s);
            return n <= 32 ? Optional.of(n) : Optional.empty();
        }
        Optional<long[]> v = ipv4(s);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        int len = Long.bitCount(v.get()[0]);
        return mask(len) == v.get()[0] ? Optional.of(len) : Optional.empty();
    }

    static long mask(int len) {
        return len == 0 ? 0 : (0xFFFF_FFFFL << (32 - len)) & 0xFFFF_FFFFL;
    }

    static String dotted(long v) {
        return (v >> 24 & 0xff) + "." + (v >> 16 & 0xff) + "." + (v >> 8 & 0xff) + "." + (v & 0xff);
    }
}
