package net.dtm.config.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.future.CancelOption;

import net.dtm.spi.config.ConfigException;
import net.dtm.spi.config.ssh.CliShell;

/**
 * An interactive shell on a PTY (vt100, 511 columns so lines do not wrap). After each line the
 * device's output is collected until its last line matches the prompt pattern and nothing more has
 * arrived for {@link #SETTLE}: that line is the prompt, learned anew each time. A pager marker
 * ({@code --More--}, {@code ---- More ----}) at the end of the output is answered with a space.
 * The returned text is what the screen shows between the echoed line and the prompt, without
 * leading or trailing blank lines.
 */
final class MinaCliShell implements CliShell {

    /** Quiet time after a prompt-like last line before it counts as the prompt. */
    static final Duration SETTLE = Duration.ofMillis(100);

    private static final int COLUMNS = 511;
    private static final Pattern PAGER_AT_END = Pattern.compile("(--More--|-{2,} ?More ?-{2,})\\s*$");
    private static final Pattern PAGER_AT_START = Pattern.compile("^\\s*(--More--|-{2,} ?More ?-{2,}) ?");

    private final ClientSession session;
    private final ChannelShell channel;
    private final TerminalBuffer buffer;
    private final Pattern promptPattern;
    private final String where;
    private final Redaction redaction;
    private String prompt = "";

    private MinaCliShell(ClientSession session, ChannelShell channel, TerminalBuffer buffer, Pattern promptPattern,
                         String where, Redaction redaction) {
        this.session = session;
        this.channel = channel;
        this.buffer = buffer;
        this.promptPattern = promptPattern;
        this.where = where;
        this.redaction = redaction;
    }

    /** Opens a shell channel on {@code session}, reads the banner and learns the prompt. */
    static MinaCliShell open(ClientSession session, Pattern promptPattern, Duration timeout, String where,
                             Redaction redaction) throws ConfigException {
        TerminalBuffer buffer = new TerminalBuffer();
        ChannelShell channel;
        try {
            channel = session.createShellChannel();
            channel.setPtyType("vt100");
            channel.setPtyColumns(COLUMNS);
            channel.setOut(buffer.sink());
            channel.setErr(buffer.sink());
            channel.addCloseFutureListener(closed -> buffer.closed());
            channel.open().verify(timeout, CancelOption.CANCEL_ON_TIMEOUT);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot open a shell on " + where + " (" + e.getMessage()
                    + "): check that the account may log in interactively", false, e);
        }
        MinaCliShell shell = new MinaCliShell(session, channel, buffer, promptPattern, where, redaction);
        try {
            shell.awaitPrompt(timeout, "opening the shell");
        } catch (ConfigException e) {
            shell.close();
            throw e;
        }
        return shell;
    }

    @Override
    public String send(String line, Duration timeout) throws ConfigException {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("send takes one line; call it once per line");
        }
        // Enter on a terminal sends CR; the device's PTY turns it into its own line ending
        List<String> lines = exchange(line + "\r", timeout, "'" + line + "'");
        return body(lines, first -> line.isBlank() ? first.isEmpty() : first.endsWith(line.stripTrailing()));
    }

    @Override
    public String sendKeys(String keys, Duration timeout) throws ConfigException {
        String printable = keys.replaceAll("\\p{Cntrl}", "");
        String caret = caretNotation(keys);
        List<String> lines = exchange(keys, timeout, "keys " + caret);
        return body(lines, first -> first.isEmpty() || !printable.isEmpty() && first.endsWith(printable)
                || first.endsWith(caret));
    }

    @Override
    public String prompt() {
        return prompt;
    }

    @Override
    public void close() {
        try {
            channel.close(false);
        } catch (RuntimeException e) {
            // closing is best effort: the session may be gone already
        }
    }

    private List<String> exchange(String keys, Duration timeout, String what) throws ConfigException {
        buffer.clear();
        write(keys, what);
        return awaitPrompt(timeout, "after " + what);
    }

    private void write(String keys, String what) throws ConfigException {
        try {
            OutputStream in = channel.getInvertedIn();
            in.write(keys.getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException | RuntimeException e) {
            throw lost(what);
        }
    }

    /** Waits for a prompt line followed by {@link #SETTLE} of quiet; returns the rendered lines. */
    private List<String> awaitPrompt(Duration timeout, String what) throws ConfigException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long settle = SETTLE.toNanos();
        long pagerAnswered = -1;
        TerminalBuffer.Snapshot s = buffer.snapshot();
        while (true) {
            List<String> current = TerminalText.render(s.currentLine());
            String last = current.get(current.size() - 1);
            if (s.closed()) {
                throw lost(what);
            }
            long now = System.nanoTime();
            long wait = deadline - now;
            if (PAGER_AT_END.matcher(last).find()) {
                if (s.version() != pagerAnswered) {
                    pagerAnswered = s.version();
                    write(" ", what);
                }
            } else if (!last.isEmpty() && promptPattern.matcher(last).find()) {
                long quiet = now - s.lastByteNanos();
                String text = quiet >= settle ? buffer.textAt(s.version()) : null;
                if (text != null) {
                    prompt = last;
                    return TerminalText.render(text);
                }
                wait = Math.min(wait, Math.max(0, settle - quiet));
            }
            if (now >= deadline) {
                throw noPrompt(timeout, what, TerminalText.render(buffer.text()));
            }
            try {
                s = buffer.awaitChange(s.version(), wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConfigException("interrupted while waiting for the prompt of " + where + " " + what, false, e);
            }
        }
    }

    private ConfigException lost(String what) {
        if (session.isOpen()) {
            return new ConfigException("the shell on " + where + " was closed " + redaction.apply(what)
                    + " (logged out, or the device ended the session)", false);
        }
        return new ConfigException("connection to " + where + " lost " + redaction.apply(what)
                + "; the command's outcome is unknown: read the device's state again", false);
    }

    private ConfigException noPrompt(Duration timeout, String what, List<String> lines) {
        String text = String.join("\n", lines);
        String tail = text.length() > 200 ? text.substring(text.length() - 200) : text;
        String seen = tail.isBlank() ? "nothing" : "\"" + redaction.apply(tail) + "\"";
        return new ConfigException("no prompt matching " + promptPattern.pattern() + " from " + where + " within "
                + ConnectFailures.seconds(timeout) + " " + redaction.apply(what) + "; last seen: " + seen
                + " (is the prompt pattern right, or does the command need more time?)", false);
    }

    /** The output lines between the echo and the prompt, pager markers removed, blank edges trimmed. */
    private static String body(List<String> lines, java.util.function.Predicate<String> isEcho) {
        List<String> body = new ArrayList<>(lines.subList(0, lines.size() - 1));
        if (!body.isEmpty() && isEcho.test(body.get(0))) {
            body.remove(0);
        }
        body.replaceAll(l -> PAGER_AT_START.matcher(l).replaceFirst(""));
        while (!body.isEmpty() && body.get(0).isBlank()) {
            body.remove(0);
        }
        while (!body.isEmpty() && body.get(body.size() - 1).isBlank()) {
            body.remove(body.size() - 1);
        }
        return String.join("\n", body);
    }

    private static String caretNotation(String keys) {
        StringBuilder sb = new StringBuilder();
        for (char c : keys.toCharArray()) {
            if (c < 0x20) {
                sb.append('^').append((char) (c + '@'));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
