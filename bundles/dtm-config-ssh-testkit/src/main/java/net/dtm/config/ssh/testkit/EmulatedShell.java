package net.dtm.config.ssh.testkit;

/**
 * One CLI session on an {@link EmulatedDevice}. The server echoes every line it receives (as a
 * device's terminal does), passes it to {@link #line(String)}, prints the returned output, then
 * prints {@link #prompt()}.
 */
public interface EmulatedShell {

    /** Printed once when the shell opens, before the first prompt (may be empty). */
    String banner();

    /** The prompt now, e.g. {@code router-1(config)#} (it follows hostname and mode changes). */
    String prompt();

    /**
     * Handles one line the user typed (without the line ending) and returns what the device prints
     * for it, lines separated by {@code \n}, possibly empty.
     */
    String line(String line);

    /**
     * Handles one control character (e.g. Ctrl-X = {@code '\u0018'}) and returns what the device
     * prints; the default ignores it.
     */
    default String control(char c) {
        return "";
    }

    /** True once the user logged out ({@code exit}, {@code quit}...): the server closes the channel. */
    boolean ended();
}
