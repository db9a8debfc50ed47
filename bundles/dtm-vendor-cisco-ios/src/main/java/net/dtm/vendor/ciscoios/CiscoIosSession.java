package net.dtm.vendor.ciscoios;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.api.Cidr;
import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ConfigSession;
import net.dtm.spi.config.TunnelIntent;
import net.dtm.spi.config.ssh.SshConnection;

/**
 * One SSH login to an IOS device for the length of a transaction, on one interactive shell in
 * privileged EXEC with paging off. Reads with {@code show running-config}, applies a batch in
 * {@code configure terminal} (or in the revert-timer configuration session {@link IosCommitConfirm}
 * opened), stopping at the first line IOS answers with an error. Success is never judged from
 * output: the core reads the state back.
 */
final class CiscoIosSession implements ConfigSession {

    private static final Logger LOG = LoggerFactory.getLogger(CiscoIosSession.class);

    /**
     * The tunnels, their descriptions, the static secondary IPv4 addresses (which
     * {@code show ip interface brief} leaves out) and the static routes, in one round trip. Every
     * interface line and every top-level {@code !} is kept, not only the tunnels': IOS prints the
     * tunnels before the physical interfaces, and a description line belongs to the interface line
     * above it, so the last tunnel must end where the next interface (or any other section) begins.
     */
    static final String LIST_TUNNELS = "show running-config | include ^interface |^ description|^!|^ ip address .* secondary"
            + "|^ip route|^ipv6 route";
    /**
     * The IPv4 / IPv6 addresses each interface uses now, whatever gave them: a static address, DHCP
     * ({@code ip address dhcp}), IPCP on a cellular modem ({@code ip address negotiated}), SLAAC or
     * DHCPv6. The running configuration names none for the dynamic ones.
     */
    static final String IPV4_IN_USE = "show ip interface brief";
    static final String IPV6_IN_USE = "show ipv6 interface brief";
    static final String ARCHIVE_READY = "The next archive file will be named";
    private static final Pattern MOST_RECENT = Pattern.compile("(?m)^\\s*\\d+\\s+(\\S+)\\s+<- Most Recent");
    /** Seconds the CLI waits beyond a ping's own timeout. */
    static final long PING_MARGIN_SECONDS = 5;
    private static final Pattern SUCCESS_RATE = Pattern.compile("Success rate is (\\d+) percent");

    private final IosTarget target;
    private final SshConnection connection;
    private final IosCli cli;
    private final TunnelNumbers numbers;
    private final RunningConfigParser parser = new RunningConfigParser();
    private boolean armed;
    /**
     * The {@link #LIST_TUNNELS} listing {@link #check} read, kept for the {@link #read} the core makes
     * next (its snapshot, before anything changes); anything else in between drops it.
     */
    private String checkedListing;

    CiscoIosSession(IosTarget target, SshConnection connection, IosCli cli, TunnelNumbers numbers) {
        this.target = target;
        this.connection = connection;
        this.cli = cli;
        this.numbers = numbers;
    }

    /** Readies the shell: privileged EXEC, no paging. */
    void start() throws ConfigException {
        if (cli.userExec()) {
            throw new ConfigException(target.where() + ": the login lands in user EXEC (prompt '" + cli.prompt()
                    + "'); give the DTM user privilege 15 (username <name> privilege 15 ...)", false);
        }
        cli.exec("terminal length 0", false);
    }

    @Override
    public Optional<TunnelIntent> read(String name, TunnelIntent.Role role) throws ConfigException {
        OptionalLong number = numbers.number(name);
        if (number.isEmpty()) {
            checkedListing = null;
            return Optional.empty();
        }
        String tunnel = "Tunnel" + number.getAsLong();
        String listing = checkedListing != null ? checkedListing : cli.exec(LIST_TUNNELS, false);
        checkedListing = null;
        String description = parser.tunnels(listing).get(tunnel);
        if (description == null || !description.equals(TunnelNumbers.description(name))) {
            return Optional.empty();
        }
        String config = cli.exec("show running-config interface " + tunnel, false);
        List<RunningConfigParser.Route> routes = parser.routes(listing, tunnel);
        try {
            return Optional.of(parser.tunnel(config, name, role, routes));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(target.where() + ": " + tunnel + " cannot be read: " + e.getMessage(), false, e);
        }
    }

    @Override
    public List<String> list(String prefix) throws ConfigException {
        checkedListing = null;
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, String> e : parser.tunnels(cli.exec(LIST_TUNNELS, false)).entrySet()) {
            String d = e.getValue();
            if (!d.startsWith(TunnelNumbers.DESCRIPTION_PREFIX)) {
                continue;
            }
            String name = d.substring(TunnelNumbers.DESCRIPTION_PREFIX.length());
            // a description copied onto another tunnel by hand is not the tunnel DTM would address by that name
            OptionalLong n = numbers.number(name);
            if (name.startsWith(prefix) && n.isPresent() && e.getKey().equals("Tunnel" + n.getAsLong())) {
                names.add(name);
            }
        }
        names.sort(null);
        return names;
    }

    @Override
    public List<String> check(TunnelIntent intent) throws ConfigException {
        checkedListing = null;
        List<String> problems = new ArrayList<>();
        cli.toExec();
        String archive = cli.send("show archive");
        if (IosErrors.find(archive).isPresent() || !archive.contains(ARCHIVE_READY)) {
            problems.add(target.where() + " has no configuration archive, which the revert timer that protects every DTM"
                    + " change needs; configure it (nothing was changed): archive / path flash:dtm-archive / maximum 14");
        }
        String listing = cli.exec(LIST_TUNNELS, false);
        OptionalLong number = numbers.number(intent.name());
        if (number.isPresent()) {
            String tunnel = "Tunnel" + number.getAsLong();
            String description = parser.tunnels(listing).get(tunnel);
            if (description != null && !description.equals(TunnelNumbers.description(intent.name()))) {
                problems.add(tunnel + " already exists on " + target.where() + " and is not DTM's tunnel for "
                        + intent.name() + " (its description is '" + description + "', DTM's would be '"
                        + TunnelNumbers.description(intent.name()) + "'); remove it or change tunnel.base");
            }
        }
        InetAddress local = intent.localOuter();
        boolean v6 = IosSyntax.isV6(local);
        Set<InetAddress> inUse = parser.briefAddresses(cli.exec(v6 ? IPV6_IN_USE : IPV4_IN_USE, false));
        if (!v6) {
            inUse.addAll(parser.secondaryAddresses(listing));
        }
        if (!inUse.contains(local)) {
            problems.add("local outer address " + Cidr.format(local) + " is not configured on any interface of "
                    + target.where());
        }
        checkedListing = listing;
        return problems;
    }

    @Override
    public void apply(List<String> commands) throws ConfigException {
        checkedListing = null;
        if (commands.isEmpty()) {
            return;
        }
        if (!cli.inConfig()) {
            cli.exec("configure terminal", true);
        }
        for (String command : commands) {
            try {
                cli.checked(command, true);
            } catch (ConfigException e) {
                if (e.rejected()) {
                    leaveConfig();
                }
                throw e;
            }
        }
        cli.toExec();
        LOG.info("{}: applied {} lines", target.where(), commands.size());
        if (armed) {
            logDeviceDifferences();
        }
    }

    /**
     * Pings the peer's inner address from the tunnel interface; answered when IOS reports a success
     * rate above zero. The ping's timeout is {@code timeout} in whole seconds, but at most the
     * command timeout less {@value #PING_MARGIN_SECONDS} s (at least 1 s): a ping still running when
     * the prompt is given up on would be a channel failure and leave the CLI busy.
     */
    @Override
    public boolean probe(TunnelIntent intent, Duration timeout) throws ConfigException {
        checkedListing = null;
        long most = Math.max(1, target.commandTimeout().toSeconds() - PING_MARGIN_SECONDS);
        long seconds = Math.max(1, Math.min(most, (timeout.toMillis() + 999) / 1000));
        String out = cli.exec("ping " + Cidr.format(intent.peerInner()) + " source " + numbers.interfaceName(intent.name())
                + " repeat 1 timeout " + seconds, false);
        Matcher m = SUCCESS_RATE.matcher(out);
        return m.find() && Integer.parseInt(m.group(1)) > 0;
    }

    /**
     * Enters configuration mode under a revert timer of {@code minutes} (see {@link IosCommitConfirm}).
     * Says once, at INFO, what IOS's net covers: the timer's checkpoint is the whole running
     * configuration, so a revert also undoes whatever else changed on the router meanwhile.
     */
    void armRevertTimer(int minutes) throws ConfigException {
        checkedListing = null;
        cli.exec("configure terminal revert timer " + minutes, true);
        armed = true;
        LOG.info("{}: revert timer armed for {} min: until confirmed, IOS restores the whole running configuration of {}"
                + " on failure (configure revert now, or the timer running out), undoing every other change made"
                + " meanwhile, by hand included", target.where(), minutes, target.where());
    }

    /** {@code configure confirm}: keeps the change and stops the revert timer. */
    void confirmChange() throws ConfigException {
        checkedListing = null;
        cli.exec("configure confirm", true);
        armed = false;
        LOG.info("{}: change confirmed", target.where());
    }

    /** {@code configure revert now}: rolls the running configuration back to the timer's checkpoint. */
    void revertNow() throws ConfigException {
        checkedListing = null;
        cli.exec("configure revert now", true);
        armed = false;
        LOG.info("{}: change reverted (configure revert now)", target.where());
    }

    @Override
    public void close() {
        cli.close();
        connection.close();
    }

    private void leaveConfig() {
        try {
            cli.toExec();
        } catch (ConfigException e) {
            LOG.debug("{}: could not leave configuration mode after a refused line: {}", target.where(), e.getMessage());
        }
    }

    /** The device's own view of the change against the revert checkpoint, for the log only. */
    private void logDeviceDifferences() {
        try {
            Matcher m = MOST_RECENT.matcher(cli.exec("show archive", false));
            if (!m.find()) {
                return;
            }
            String diff = cli.exec("show archive config differences " + m.group(1) + " system:running-config", false);
            LOG.info("{}: the device's own view of the change: {}", target.where(),
                    String.join(" | ", diff.strip().lines().filter(l -> !l.isBlank()).toList()));
        } catch (ConfigException e) {
            LOG.debug("{}: no archive differences to log: {}", target.where(), e.getMessage());
        }
    }
}
