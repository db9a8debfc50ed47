package net.dtm.shell;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.apache.karaf.shell.support.CommandException;

import net.dtm.api.DeviceCredential;

/**
 * Where {@code device:add} and {@code device:rekey} take an operator's key from: a file
 * ({@code --key-file}), a masked prompt ({@code --key -}), or the command line ({@code --key
 * <hex>}, which still works but lands in the shell history and, as Karaf names a command's thread
 * after its command line, in the log; a warning says so). The key is never echoed.
 */
final class KeyInput {

    /** Reads one line with each typed character shown as the mask (Karaf's Session.readLine). */
    @FunctionalInterface
    interface Prompt {
        String readLine(String prompt, Character mask) throws IOException;
    }

    static final String HISTORY_WARNING = "Warning: a key given on the command line lands in the shell history "
            + "(and in the log, which names a command's thread after its command line); "
            + "use --key-file <path> or --key - (prompt) instead.";

    private KeyInput() {
    }

    /**
     * The key the options name, or null if neither is given (a fresh random key).
     *
     * @param key     {@code --key}: 64 hex digits, or {@code -} to be prompted
     * @param keyFile {@code --key-file}: a file holding the 64 hex digits
     * @throws CommandException {@code <refusal>: <why>} if both are given, the file cannot be read, or the key is malformed
     */
    static byte[] read(String key, String keyFile, Prompt prompt, PrintStream out, String refusal) throws CommandException {
        if (key != null && keyFile != null) {
            throw new CommandException(refusal + ": give --key or --key-file, not both");
        }
        String hex;
        String from;
        if (keyFile != null) {
            Path file = Path.of(keyFile);
            try {
                hex = Files.readString(file, StandardCharsets.US_ASCII);
            } catch (NoSuchFileException e) {
                throw new CommandException(refusal + ": key file " + file + " does not exist");
            } catch (IOException e) {
                throw new CommandException(refusal + ": cannot read key file " + file + ": " + e.getMessage());
            }
            from = "key file " + file;
        } else if ("-".equals(key)) {
            try {
                hex = prompt.readLine("Key (64 hex digits): ", '*');
            } catch (IOException e) {
                throw new CommandException(refusal + ": cannot read the key: " + e.getMessage());
            }
            from = "the key typed";
        } else if (key != null) {
            out.println(HISTORY_WARNING);
            hex = key;
            from = "--key";
        } else {
            return null;
        }
        try {
            return DeviceCredential.parseKey(hex);
        } catch (IllegalArgumentException e) {
            throw new CommandException(refusal + ": " + from + ": " + e.getMessage());
        }
    }

    /** Shows a generated key this one time with what to do with it; a supplied key is never echoed. */
    static void print(PrintStream out, DeviceCredential credential, boolean supplied) {
        if (supplied) {
            out.println("Key: the one you supplied (not echoed).");
        } else {
            out.println("Key: " + credential.keyHex());
            out.println("Store this key on the device now (device.key or device.key.file of net.dtm.agent): it is not shown again.");
        }
    }
}
