package net.dtm.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import net.dtm.api.DtmException;
import net.dtm.api.config.AdapterInfo;
import net.dtm.spi.config.AddressingBehaviour;
import net.dtm.spi.config.Behaviour;
import net.dtm.spi.config.CommitConfirmBehaviour;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.LinkSettingsBehaviour;
import net.dtm.spi.config.RouteBehaviour;
import net.dtm.spi.config.TunnelInterfaceBehaviour;
import net.dtm.spi.config.VendorAdapter;
import net.dtm.spi.config.WireGuardPeerBehaviour;

/**
 * The vendor adapters installed now, as they come and go at runtime, and the choice of one for a
 * device: vendor equal to {@value VendorAdapter#PROP_VENDOR} (ignoring case), then a model glob of
 * {@value VendorAdapter#PROP_MODELS} ({@code *} and {@code ?}, ignoring case; absent = every model;
 * an unknown model matches only a pattern that matches the empty text, such as {@code *}), then an
 * OS version prefix of {@value VendorAdapter#PROP_OS_VERSIONS} (absent = every version), then the
 * highest {@code service.ranking}, then the lowest {@code service.id}. Reads go to an immutable
 * snapshot, so selection never waits for a change.
 */
public final class AdapterRegistry {

    /** OSGi service property: ranking. */
    public static final String SERVICE_RANKING = "service.ranking";
    /** OSGi service property: id. */
    public static final String SERVICE_ID = "service.id";
    /** Property the wiring adds: symbolic name and version of the bundle that publishes the adapter. */
    public static final String PROP_BUNDLE = "dtm.config.bundle";

    private static final List<Class<? extends Behaviour>> KNOWN = List.of(TunnelInterfaceBehaviour.class,
            AddressingBehaviour.class, RouteBehaviour.class, LinkSettingsBehaviour.class, WireGuardPeerBehaviour.class,
            CommitConfirmBehaviour.class);
    private static final Comparator<Entry> PREFERENCE = Comparator.comparingInt(Entry::ranking).reversed()
            .thenComparingLong(Entry::serviceId).thenComparingLong(Entry::order);

    private record Entry(VendorAdapter adapter, String vendor, List<String> models, List<String> osVersions,
                         int ranking, long serviceId, long order, String bundle) {
    }

    private volatile List<Entry> entries = List.of();
    private long added;

    /**
     * Adds an adapter with its service properties (replacing an earlier registration of the same object).
     *
     * @throws IllegalArgumentException if {@value VendorAdapter#PROP_VENDOR} is missing or a list property
     *                                  is neither a string nor an array or collection of strings
     */
    public synchronized void add(VendorAdapter adapter, Map<String, ?> properties) {
        Object vendor = properties.get(VendorAdapter.PROP_VENDOR);
        if (!(vendor instanceof String v) || v.isBlank()) {
            throw new IllegalArgumentException("adapter " + adapter.getClass().getName() + " has no "
                    + VendorAdapter.PROP_VENDOR + " service property");
        }
        Object ranking = properties.get(SERVICE_RANKING);
        Object id = properties.get(SERVICE_ID);
        Object bundle = properties.get(PROP_BUNDLE);
        Entry e = new Entry(adapter, v.trim(), strings(properties, VendorAdapter.PROP_MODELS),
                strings(properties, VendorAdapter.PROP_OS_VERSIONS), ranking instanceof Integer r ? r : 0,
                id instanceof Number n ? n.longValue() : Long.MAX_VALUE, added++,
                bundle instanceof String b ? b : adapter.getClass().getName());
        List<Entry> next = new ArrayList<>(entries);
        next.removeIf(x -> x.adapter() == adapter);
        next.add(e);
        entries = List.copyOf(next);
    }

    /** Removes an adapter; false if it was not there. */
    public synchronized boolean remove(VendorAdapter adapter) {
        List<Entry> next = new ArrayList<>(entries);
        boolean removed = next.removeIf(x -> x.adapter() == adapter);
        entries = List.copyOf(next);
        return removed;
    }

    /**
     * The adapter for {@code target}, or empty when none serves it. A model or OS version the
     * target leaves empty (unknown) matches no pattern; only when no adapter of the vendor serves the
     * target that way does an unknown field match any pattern, so an operator who names just the
     * vendor still gets its adapter (which checks the device itself).
     */
    public Optional<VendorAdapter> select(DeviceTarget target) {
        List<Entry> now = entries;
        Optional<VendorAdapter> strict = now.stream().filter(e -> serves(e, target, false)).min(PREFERENCE)
                .map(Entry::adapter);
        if (strict.isPresent() || !(target.model().isEmpty() || target.osVersion().isEmpty())) {
            return strict;
        }
        return now.stream().filter(e -> serves(e, target, true)).min(PREFERENCE).map(Entry::adapter);
    }

    /**
     * The adapter for {@code target}, which end {@code end} needs now.
     *
     * @throws DtmException BAD_REQUEST naming the end and the device when none serves it
     */
    VendorAdapter require(String end, DeviceTarget t) {
        return select(t).orElseThrow(() -> new DtmException(DtmException.Reason.BAD_REQUEST,
                "no adapter serves " + end + " (vendor " + t.vendor() + (t.model().isEmpty() ? "" : ", model " + t.model())
                + (t.osVersion().isEmpty() ? "" : ", OS " + t.osVersion()) + ")"));
    }

    /** True if {@code adapter} is installed now. */
    public boolean contains(VendorAdapter adapter) {
        return entries.stream().anyMatch(e -> e.adapter() == adapter);
    }

    /** The adapters installed, by vendor and then in the order they would be chosen. */
    public List<AdapterInfo> adapters() {
        return entries.stream().sorted(Comparator.comparing(Entry::vendor).thenComparing(PREFERENCE))
                .map(e -> new AdapterInfo(e.vendor(), e.models(), e.osVersions(), behaviours(e.adapter()), e.bundle(),
                        e.ranking()))
                .toList();
    }

    private static boolean serves(Entry e, DeviceTarget t, boolean unknownMatches) {
        if (!e.vendor().equalsIgnoreCase(t.vendor())) {
            return false;
        }
        boolean anyModel = e.models().isEmpty() || unknownMatches && t.model().isEmpty();
        if (!anyModel && e.models().stream().noneMatch(m -> glob(m).matcher(t.model()).matches())) {
            return false;
        }
        return e.osVersions().isEmpty() || unknownMatches && t.osVersion().isEmpty()
                || e.osVersions().stream().anyMatch(v -> t.osVersion().startsWith(v));
    }

    /** A glob ({@code *} any text, {@code ?} one character) as a case-insensitive pattern. */
    static Pattern glob(String glob) {
        StringBuilder b = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> b.append(".*");
                case '?' -> b.append('.');
                default -> b.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(b.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    }

    private static List<String> behaviours(VendorAdapter adapter) {
        List<String> out = new ArrayList<>();
        for (Class<? extends Behaviour> b : KNOWN) {
            if (adapter.behaviour(b).isPresent()) {
                out.add(b.getSimpleName());
            }
        }
        return out;
    }

    private static List<String> strings(Map<String, ?> properties, String key) {
        Object v = properties.get(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v instanceof String s) {
            out.add(s.trim());
        } else if (v instanceof String[] a) {
            for (String s : a) {
                out.add(s.trim());
            }
        } else if (v instanceof java.util.Collection<?> c && c.stream().allMatch(String.class::isInstance)) {
            c.forEach(s -> out.add(((String) s).trim()));
        } else {
            throw new IllegalArgumentException("service property " + key + " must be a string or strings, got "
                    + v.getClass().getSimpleName());
        }
        out.removeIf(String::isEmpty);
        return out;
    }

    @Override
    public String toString() {
        return entries.stream().map(e -> e.vendor() + "(" + e.ranking() + ")").toList().toString();
    }
}
