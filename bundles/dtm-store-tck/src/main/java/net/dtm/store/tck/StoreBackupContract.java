package net.dtm.store.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dtm.api.Pool;
import net.dtm.spi.store.LeaseStore;
import net.dtm.spi.store.StoreBackup;

/**
 * The contract of {@link StoreBackup}, for every store: a backup is written into a new folder
 * inside the one given and never over another, the store serving on meanwhile; or, for a store
 * backed up by other means, it is refused with a message saying which, and nothing is written.
 * Restoring a copy is store-specific and tested by each store that makes copies.
 *
 * @param <S> a store that is both
 */
public abstract class StoreBackupContract<S extends LeaseStore & StoreBackup> extends StoreContract<S> {

    @TempDir
    protected Path dir;

    /** Whether this store makes copies (else it must refuse every backup). */
    protected abstract boolean makesCopies();

    @Test
    void aBackupIsANewFolderInsideTheTargetNeverWrittenTwiceOrARefusalThatWritesNothing() throws Exception {
        store.createPool(Pool.of("p", "10.64.0.0/24", 3600));
        Path target = dir.resolve("backups");
        if (!makesCopies()) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> store.backup(target));
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a refusal says how the store is backed up");
            assertFalse(Files.exists(target), "a refusal writes nothing");
            return;
        }
        Path copy = store.backup(target);
        assertEquals(target, copy.getParent(), "a new folder inside the target");
        assertTrue(Files.isDirectory(copy));
        long files = count(target);
        assertTrue(files > 1, "the copy holds files");
        assertThrows(IllegalArgumentException.class, () -> store.backup(target), "a second backup into the same folder");
        assertEquals(files, count(target), "nothing overwritten");
        store.createPool(Pool.of("q", "10.65.0.0/24", 3600));
        assertEquals(List.of("p", "q"), store.pools().stream().map(Pool::name).toList(), "the store serves on");
    }

    @Test
    void aFileAsTargetIsRefusedAndLeftAsItIs() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
        RuntimeException e = assertThrows(RuntimeException.class, () -> store.backup(file));
        assertTrue(e instanceof IllegalArgumentException || e instanceof UnsupportedOperationException, e.toString());
        assertEquals("x", Files.readString(file));
    }

    private static long count(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.count();
        }
    }
}
