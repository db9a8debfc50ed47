package net.dtm.config.ssh.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * A shell channel driving one {@link EmulatedShell} as a device's terminal would: echo, line
 * handling, control characters, pager, prompt. Runs on its own thread (blocking reads).
 */
final class EmulatedShellCommand implements Command {

    /** An output line that makes a device's pager stop and wait for a key. */
    private static final Pattern PAGER_MARKER = Pattern.compile("\\s*(--More--|-+ ?More ?-+)\\s*");

    private final DeviceEmulatorServer server;
    private final EmulatedShell shell;
    private final AtomicBoolean ended = new AtomicBoolean();
    private Reader in;
    private OutputStream out;
    private ExitCallback exit;
    private Future<?> loop;

    EmulatedShellCommand(DeviceEmulatorServer server, EmulatedShell shell) {
        this.server = server;
        this.shell = shell;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        // a terminal has one output stream
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        loop = server.shellThreads().submit(this::run);
    }

    @Override
    public void destroy(ChannelSession channel) {
        if (loop != null) {
            loop.cancel(true);
        }
        sessionEnded();
    }

    private void run() {
        boolean dropped = false;
        try {
            String banner = shell.banner();
            if (!banner.isEmpty()) {
                print(banner);
            }
            write(shell.prompt());
            StringBuilder line = new StringBuilder();
            boolean afterCr = false;
            int c;
            while ((c = in.read()) != -1) {
                boolean crlf = c == '\n' && afterCr;
                afterCr = c == '\r';
                if (crlf) {
                    continue;
                }
                if (c == '\r' || c == '\n') {
                    write("\r\n");
                    String typed = line.toString();
                    line.setLength(0);
                    if (!server.receive(typed)) {
                        dropped = true;
                        return;
                    }
                    respond(shell.line(typed));
                } else if (c < 0x20 && c != '\t') {
                    // not echoed; the output and the prompt start on a new line, as after Enter
                    write("\r\n");
                    respond(shell.control((char) c));
                } else {
                    line.append((char) c);
                    write(String.valueOf((char) c));
                }
                if (shell.ended()) {
                    return;
                }
            }
        } catch (IOException e) {
            // the channel or the connection closed under us: the session is over
            dropped = true;
        } finally {
            sessionEnded();
            if (!dropped) {
                exit.onExit(0);
            }
        }
    }

    /** Prints a command's output, then the prompt unless the shell has ended. */
    private void respond(String output) throws IOException {
        if (!output.isEmpty()) {
            page(output);
        }
        if (!shell.ended()) {
            write(shell.prompt());
        }
    }

    /** Prints {@code output} line by line, stopping at pager markers ({@code q} drops the rest). */
    private void page(String output) throws IOException {
        String[] lines = output.split("\n", -1);
        int count = output.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < count; i++) {
            String text = lines[i];
            if (PAGER_MARKER.matcher(text).matches()) {
                write(text);
                int key = in.read();
                String erase = "\b".repeat(text.length());
                write(erase + " ".repeat(text.length()) + erase);
                if (key == -1) {
                    throw new IOException("input closed at the pager");
                }
                if (key == 'q') {
                    return;
                }
            } else {
                write(text + "\r\n");
            }
        }
    }

    private void print(String text) throws IOException {
        String crlf = text.replace("\r\n", "\n").replace("\n", "\r\n");
        write(crlf.endsWith("\r\n") ? crlf : crlf + "\r\n");
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void sessionEnded() {
        if (ended.compareAndSet(false, true)) {
            server.device().sessionEnded(shell);
        }
    }
}
