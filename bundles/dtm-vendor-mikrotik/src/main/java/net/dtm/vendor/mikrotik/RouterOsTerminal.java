package net.dtm.vendor.mikrotik;

import java.time.Duration;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.DeviceTarget;
import net.dtm.spi.config.ssh.CliShell;
import net.dtm.spi.config.ssh.SshConnection;
import net.dtm.spi.config.ssh.SshConnector;

/**
 * The interactive RouterOS terminal of one session: connects, learns the prompt, sends lines and
 * control keys, and can drop the connection without leaving safe mode and connect again (how a
 * safe-mode change is reverted). The prompt pattern accepts any identity, a menu path and the
 * {@code <SAFE>} marker, and the safe-mode hijack question, which is answered by the caller.
 */
final class RouterOsTerminal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterOsTerminal.class);

    /**
     * {@code [admin@MikroTik] > }, {@code [admin@edge 1] /interface/vxlan> },
     * {@code [admin@MikroTik] <SAFE> }, and {@code ... [u/r/d]:} when another session holds safe mode.
     */
    static final Pattern PROMPT = Pattern.compile(
            "(?:\\[[^\\]\\r\\n]+@[^\\]\\r\\n]+\\] ?[^\\r\\n<>]*(?:>|<SAFE>)|\\[u/r/d\\]:) ?$");
    /** Ctrl-X: enters or leaves safe mode. */
    static final String CTRL_X = "\u0018";
    /** Ctrl-C: abandons a question. */
    static final String CTRL_C = "\u0003";
        /** Ctrl-D: ends the session, undoing the changes made in safe mode. */
    static final String CTRL_D = "\u0004";

    private final SshConnector connector;
    private final DeviceTarget login;
    private final Duration timeout;
    private final String where;
    private SshConnection connection;
    private CliShell shell;

    private RouterOsTerminal(SshConnector connector, DeviceTarget login, Duration timeout, String where) {
        this.connector = connector;
        this.login = login;
        this.timeout = timeout;
        this.where = where;
    }

    /** A terminal logged into {@code login} (whose user name carries RouterOS's terminal flags). */
    static RouterOsTerminal open(SshConnector connector, DeviceTarget login, Duration timeout, String where)
            throws ConfigException {
        RouterOsTerminal t = new RouterOsTerminal(connector, login, timeout, where);
        t.connect();
        return t;
    }

    private void connect() throws ConfigException {
        SshConnection c = connector.connect(login);
        try {
            shell = c.shell(PROMPT);
        } catch (ConfigException | RuntimeException e) {
            c.close();
            throw e;
        }
        connection = c;
        LOG.debug("mikrotik {}: terminal open, prompt {}", where, shell.prompt());
    }

    /** Sends one line, returns its output with colours removed. */
    String send(String line) throws ConfigException {
        return Ansi.strip(live().send(line, timeout));
    }

    /** Sends control keys (no newline), returns the output with colours removed. */
    String keys(String keys) throws ConfigException {
        return Ansi.strip(live().sendKeys(keys, timeout));
    }

    /** The prompt seen last. */
    String prompt() {
        return shell == null ? "" : shell.prompt();
    }

    /** True if the prompt shows that this session holds safe mode. */
    boolean inSafeMode() {
        return prompt().contains("<SAFE>");
    }

    /** True if the device waits for the answer to the safe-mode hijack question. */
    boolean asksHijack() {
        return prompt().trim().endsWith("[u/r/d]:");
    }

    /**
     * Ends the session without leaving safe mode and logs in again. Ctrl-D ends it at once, undoing
     * the safe-mode changes; when the connection is gone already, or the device does not react,
     * dropping the connection has the same effect once RouterOS notices it.
     */
    void dropAndReconnect() throws ConfigException {
        if (shell != null) {
            try {
                shell.sendKeys(CTRL_D, Duration.ofSeconds(2));
                LOG.debug("mikrotik {}: still a prompt after Ctrl-D, dropping the connection", where);
            } catch (ConfigException expected) {
                // the device ended the session (or the connection was gone already)
            }
        }
        drop();
        connect();
    }

    /** Where this terminal is connected, for messages. */
    String where() {
        return where;
    }

    private CliShell live() throws ConfigException {
        if (shell == null) {
            throw new ConfigException("mikrotik " + where + ": the session is closed", false);
        }
        return shell;
    }

    private void drop() {
        if (shell != null) {
            shell.close();
            shell = null;
        }
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    /** Closes the connection without logging out. Never throws. */
    @Override
    public void close() {
        try {
            drop();
        } catch (RuntimeException e) {
            LOG.debug("mikrotik {}: closing the terminal failed: {}", where, e.toString());
        }
    }
}
