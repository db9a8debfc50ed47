package net.dtm.vendor.huaweivrp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Cidr;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.TunnelIntent;

/**
 * Reads a VRP device for a session: its tunnel interfaces ({@code display current-configuration
 * interface}), static routes ({@code display current-configuration | include route-static}),
 * interface addresses ({@code display ip interface brief}) and commit list. What it read is kept
 * until {@link #forget()} (the session's next change), so the core's check and read that follow
 * each other cost one look at the device; reading back after a change always asks again.
 */
final class RunningConfigReader {

    private static final Logger LOG = LoggerFactory.getLogger(RunningConfigReader.class);

    private final VrpCli cli;
    private final TunnelNumbers numbers;
    private final String where;
    private Map<String, TunnelConfig> interfaceCache;
    private Map<String, TunnelConfig> tunnelCache;
    private List<StaticRoute> routeCache;

    RunningConfigReader(VrpCli cli, TunnelNumbers numbers, String where) {
        this.cli = cli;
        this.numbers = numbers;
        this.where = where;
    }

    /** See {@link net.dtm.spi.config.ConfigSession#read}: only a tunnel whose description names the intent is read. */
    Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
        Optional<Integer> number = numbers.number(name);
        if (number.isEmpty()) {
            return Optional.empty();
        }
        String iface = VrpSyntax.TUNNEL_PREFIX + number.get();
        TunnelConfig config = tunnels().get(iface);
        if (config == null || !config.ownedBy(name)) {
            return Optional.empty();
        }
        if (!config.unreadable().isEmpty()) {
            throw new ConfigException("huawei-vrp device " + where + ": " + iface + " (DTM's " + name + ") has configuration lines "
                    + "DTM cannot read (" + String.join(", ", config.unreadable().stream().map(w -> "'" + w + " ...'").toList())
                    + "); nothing is changed until they are corrected or the interface is removed by hand", false);
        }
        // DTM writes every route with the tunnel and a next hop: one without a next hop is an operator's, not merged
        List<StaticRoute> routes = routes().stream()
                .filter(r -> r.outInterface().equalsIgnoreCase(iface) && r.nextHop().isPresent()).toList();
        return Optional.of(config.toIntent(name, role, routes));
    }

    /**
     * See {@link net.dtm.spi.config.ConfigSession#list}: the intent names in DTM's descriptions, of
     * tunnels at the number their name maps to. A description {@code dtm:<name>} on another tunnel
     * (copied by hand, or left from another {@code tunnel.base}) is not the interface DTM would
     * address by that name, and is not listed: the core would otherwise take it for a stray of its own.
     */
    List<String> list(String prefix) throws ConfigException {
        TreeSet<String> names = new TreeSet<>();
        for (TunnelConfig c : tunnels().values()) {
            c.owner().filter(n -> n.startsWith(prefix) && numbers.isInterfaceOf(n, c.name())).ifPresent(names::add);
        }
        return List.copyOf(names);
    }

    /**
     * The tunnel number the intent maps to must be free or already the intent's own, and the local
     * outer address must be up on an interface of the device ({@code display ip interface brief},
     * which shows the address an interface holds, also one it got from DHCP ({@code ip address
     * dhcp-alloc}), PPP ({@code ppp-negotiate}, dialer and cellular interfaces): the running
     * configuration does not hold those). Only reads.
     */
    List<String> check(TunnelIntent intent) throws ConfigException {
        Optional<String> problem = numbers.problem(intent.name());
        if (problem.isPresent()) {
            return List.of(problem.get());
        }
        List<String> problems = new ArrayList<>();
        localOuterProblem(intent).ifPresent(problems::add);
        String iface = numbers.interfaceOf(intent.name());
        TunnelConfig there = tunnels().get(iface);
        if (there == null || there.ownedBy(intent.name())) {
            return problems;
        }
        String whose = there.owner().map(o -> "it belongs to DTM's '" + o + "' (same number)")
                .orElse(there.description().isEmpty() ? "it has no description" : "its description is '" + there.description() + "'");
        problems.add(iface + ", the tunnel interface '" + intent.name() + "' maps to on this device, already exists and is not "
                + intent.name() + "'s: " + whose + "; DTM does not take over a tunnel it did not build (remove it, rename the "
                + "intent, or set tunnel.base in configuration " + HuaweiVrpAdapterComponent.PID + ")");
        return problems;
    }

    /**
     * The local outer address must be on an interface that is up. {@code display ip interface brief}
     * shows each interface's primary address, dynamic ones too; a secondary address
     * ({@code ip address A MASK sub}) is not in it and is looked up in the configuration, its
     * interface's state in the brief.
     */
    private Optional<String> localOuterProblem(TunnelIntent intent) throws ConfigException {
        VrpCli.Reply r = cli.run("display ip interface brief");
        if (!r.ok()) {
            LOG.debug("huawei-vrp {}: cannot list the interface addresses ({}); local outer address not checked", where, r.error().get());
            return Optional.empty();
        }
        String wanted = Cidr.format(intent.localOuter());
        List<String> up = new ArrayList<>();
        Map<String, String[]> rows = new java.util.HashMap<>();
        for (String line : r.output().split("\\r?\\n")) {
            String[] w = line.strip().split("\\s+");
            if (w.length >= 4 && (w[1].matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}") || w[1].equals("unassigned"))) {
                rows.put(w[0], w);
                if (w[1].equals("unassigned")) {
                    continue;
                }
                String address = w[1].substring(0, w[1].indexOf('/'));
                if (address.equals(wanted)) {
                    return state(address, w);
                }
                up.add(address);
            }
        }
        for (TunnelConfig c : interfaces().values()) {
            if (c.secondary().contains(wanted)) {
                String[] row = rows.get(c.name());
                return row == null ? Optional.empty() : state(wanted + " (secondary)", row);
            }
        }
        return Optional.of("local outer address " + wanted + " is not an address of any interface of the "
                + "device (it has " + (up.isEmpty() ? "none" : String.join(", ", up)) + "): the tunnel could not send");
    }

    /** Empty if the brief's row {@code w} shows the interface up, else why not. */
    private static Optional<String> state(String address, String[] w) {
        if (w[2].toLowerCase(Locale.ROOT).contains("up") && w[3].toLowerCase(Locale.ROOT).contains("up")) {
            return Optional.empty();
        }
        return Optional.of("local outer address " + address + " is on " + w[0] + ", which is down on the device "
                + "(physical " + w[2] + ", protocol " + w[3] + ")");
    }

    /**
     * The tunnel interfaces, from the configuration of every interface: unlike the per-interface
     * and per-type forms, {@code display current-configuration interface} has an answer on a device
     * that has no tunnel (yet).
     */
    private Map<String, TunnelConfig> tunnels() throws ConfigException {
        if (tunnelCache == null) {
            Map<String, TunnelConfig> all = new java.util.LinkedHashMap<>(interfaces());
            all.keySet().removeIf(name -> !name.startsWith(VrpSyntax.TUNNEL_PREFIX));
            tunnelCache = all;
        }
        return tunnelCache;
    }

    /** Every interface, parsed (a line that does not parse spoils only its own interface: {@link TunnelConfig}). */
    private Map<String, TunnelConfig> interfaces() throws ConfigException {
        if (interfaceCache == null) {
            interfaceCache = TunnelConfig.parseAll(show("display current-configuration interface"));
        }
        return interfaceCache;
    }

    List<StaticRoute> routes() throws ConfigException {
        if (routeCache == null) {
            routeCache = StaticRoute.parseAll(show("display current-configuration | include route-static"));
        }
        return routeCache;
    }

    /** The device changes (or may have changed): read afresh from now on. */
    void forget() {
        interfaceCache = null;
        tunnelCache = null;
        routeCache = null;
    }

    String show(String command) throws ConfigException {
        VrpCli.Reply r = cli.run(command);
        if (!r.ok()) {
            throw new ConfigException("huawei-vrp device " + where + " did not show its configuration ('" + command + "'): "
                    + r.error().get(), false);
        }
        return r.output();
    }

    /** The commit ids of {@code display configuration commit list}, newest first. */
    List<String> commitIds() throws ConfigException {
        return CommitList.ids(show("display configuration commit list"));
    }
}
