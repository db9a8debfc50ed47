package net.dtm.shell;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.FileCompleter;

import net.dtm.spi.store.DeviceStore;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.StoreBackup;

/**
 * Common plumbing of the export and import commands ({@code device:}, {@code pool:},
 * {@code lease:}) and {@code store:backup}: the file argument, the node's store (through the store
 * SPI, so exports and imports move data between any two stores), reading and creating files, and
 * the {@link Importer}'s refusals as one-line errors. The work is in {@link StoreTransfer} and the
 * file classes; the commands parse and print.
 */
abstract class TransferCommand extends DtmCommand {

    static final String STORE = "The store";
    static final String FEATURE = "dtm-server";

    @Argument(index = 0, name = "path", required = true, description = "The file to write or read (store:backup: the folder to back up into)")
    @Completion(FileCompleter.class)
    String file;

    @Reference(optional = true)
    LeaseStore leaseStore;

    @Reference(optional = true)
    DeviceStore deviceStore;

    @Reference(optional = true)
    StoreBackup storeBackup;

    /** The command's work. */
    abstract void run() throws Exception;

    @Override
    public final Object execute() throws Exception {
        return auditedRun(this::run);
    }

    LeaseStore leaseStore() throws CommandException {
        return require(leaseStore, STORE, FEATURE);
    }

    DeviceStore deviceStore() throws CommandException {
        return require(deviceStore, STORE, FEATURE);
    }

    /** The whole import file as text. */
    String readFile() throws CommandException {
        Path path = Path.of(file).toAbsolutePath().normalize();
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw refused("there is no file " + path);
        } catch (IOException e) {
            throw refused("cannot read " + path + ": " + e.getMessage());
        }
    }

    List<String> readLines() throws CommandException {
        return readFile().lines().toList();
    }

    /** What an export writes to a new file. */
    @FunctionalInterface
    interface Content {
        void write(Writer out) throws IOException;
    }

    /**
     * Writes a new export file (mode 600 when it holds {@code secret}s); a failed write removes it.
     *
     * @return its path
     */
    Path export(boolean secret, Content content) throws Exception {
        TokenFile target = TokenFile.reserve(file, refusal(), "export file", secret);
        try (Writer out = target.writer()) {
            content.write(out);
        } catch (IOException | RuntimeException e) {
            target.discard();
            throw e instanceof IOException io ? refused("cannot write " + target.path() + ": " + io.getMessage()) : e;
        }
        return target.path();
    }

    /** Prints a progress line. */
    void progress(String line) {
        out().println(line);
    }
}
