package dev.podnet.fix.reclaim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podnet.cidr.HostLocalReservation;
import dev.podnet.cidr.HostLocalState;
import dev.podnet.node.HostLocalDirectories;
import dev.podnet.node.NodeFiles;
import dev.podnet.node.NodeFilesException;
import dev.podnet.node.Sandboxes;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * host-local's reservation files on a node root, and the only code of podnet that changes them: it
 * moves released files into a dated backup folder (manifest first, rolled back on failure) and puts
 * them back from one.
 *
 * <p>host-local serialises its own writers with an {@code flock} on the directory's {@code lock}
 * file, which the JVM cannot take (its file locks are {@code fcntl} locks, independent of {@code
 * flock} on Linux). A move therefore re-reads the file first and checks the moved bytes after; a
 * file whose bytes changed is left, or put back, where it was. host-local never reuses an address
 * whose file exists, so the file of a leaked reservation changes only if something else removes it.
 */
public final class HostLocalDisk {
  static final String MANIFEST = "manifest.json";
  static final int SCHEMA_VERSION = 1;

  /** Backup folders are named by the UTC time of the run, e.g. {@code 20261120-101500}. */
  static final DateTimeFormatter FOLDER_NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /** A reservation file holds a container id and an interface name; bigger is not one. */
  static final long MAX_RESERVATION_BYTES = 4096;

  private static final String LAST_RESERVED = "last_reserved_ip.";
  private static final String LOCK = "lock";

  private final Path root;
  private final FileMover mover;

  /** Moves one file; tests put failures in here. */
  @FunctionalInterface
  interface FileMover {
    void move(Path from, Path to) throws IOException;
  }

  /**
   * A node root on disk.
   *
   * @throws ReclaimException when it is not a readable directory
   */
  public HostLocalDisk(Path root) throws ReclaimException {
    this(root, HostLocalDisk::move);
  }

  HostLocalDisk(Path root, FileMover mover) throws ReclaimException {
    this.mover = mover;
    if (!Files.isDirectory(root)) {
      throw new ReclaimException(root + ": no such directory");
    }
    if (!Files.isReadable(root)) {
      throw new ReclaimException(root + ": not readable");
    }
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /**
   * Every entry named by an IP in every host-local state directory under the root, by directory
   * then address.
   *
   * @throws ReclaimException when a directory cannot be listed or a file cannot be read
   */
  public List<ReservationFile> reservations() throws ReclaimException {
    List<HostLocalDirectories.Directory> directories;
    try {
      directories = HostLocalDirectories.find(NodeFiles.directory(root));
    } catch (NodeFilesException | IOException e) {
      throw new ReclaimException(root + ": " + e.getMessage(), e);
    }
    List<ReservationFile> found = new ArrayList<>();
    for (HostLocalDirectories.Directory directory : directories) {
      Path dir = root.resolve(directory.path());
      List<Path> entries;
      try (Stream<Path> list = Files.list(dir)) {
        entries = list.sorted().toList();
      } catch (IOException e) {
        throw new ReclaimException(dir + ": cannot be listed: " + e.getMessage(), e);
      }
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.equals(LOCK) || name.startsWith(LAST_RESERVED)) {
          continue;
        }
        ReservationFile file = read(directory, entry, name);
        if (file != null) {
          found.add(file);
        }
      }
    }
    found.sort(
        Comparator.comparing(ReservationFile::directory)
            .thenComparing(f -> address(f.ip()), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(ReservationFile::fileName));
    return found;
  }

  /** One entry, or null when its name is not an IP (not host-local's). */
  private static ReservationFile read(
      HostLocalDirectories.Directory directory, Path entry, String name) throws ReclaimException {
    List<HostLocalReservation> named =
        HostLocalState.parse(directory.network(), Map.of(name, "")).reservations();
    if (named.isEmpty()) {
      return null;
    }
    String ip = named.get(0).ip();
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      Instant modified = attributes.lastModifiedTime().toInstant();
      if (!attributes.isRegularFile()) {
        return new ReservationFile(
            directory.network(), directory.path(), name, ip, "", "", modified, "", false);
      }
      byte[] bytes =
          attributes.size() <= MAX_RESERVATION_BYTES ? Files.readAllBytes(entry) : new byte[0];
      HostLocalReservation reservation =
          HostLocalState.parse(
                  directory.network(), Map.of(name, new String(bytes, StandardCharsets.UTF_8)))
              .reservations()
              .get(0);
      return new ReservationFile(
          directory.network(),
          directory.path(),
          name,
          ip,
          reservation.containerId(),
          reservation.ifname(),
          modified,
          sha256(bytes),
          true);
    } catch (NoSuchFileException e) {
      return null; // released by host-local while we listed: nothing to decide about
    } catch (IOException e) {
      throw new ReclaimException(entry + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a saved {@code crictl pods -o json}; a missing or malformed file is reported in the
   * result, not thrown, so that the rest of the report still prints.
   */
  public static SandboxList sandboxes(Path file) {
    String location = file.toString();
    try {
      if (!Files.isRegularFile(file)) {
        return SandboxList.unreadable(
            location, location + " does not exist: save 'crictl pods -o json' there first");
      }
      Instant savedAt = Files.getLastModifiedTime(file).toInstant();
      return SandboxList.of(
          Sandboxes.parse(Files.readString(file, StandardCharsets.UTF_8)), location, savedAt);
    } catch (IOException e) {
      return SandboxList.unreadable(location, location + ": " + e.getMessage());
    }
  }

  /**
   * One file in a backup: where it came from and what it was.
   *
   * @param directory the state directory relative to the node root
   * @param backupPath the file's path inside the backup folder, {@code <network>/<file>}
   * @param permissions the POSIX permissions as {@code ls} prints them ({@code rw-------}), or null
   *     where the file system has none
   */
  public record BackupEntry(
      String network,
      String directory,
      String fileName,
      String ip,
      String containerId,
      String ifname,
      String sha256,
      String permissions,
      Instant modified,
      String backupPath) {

    String path() {
      return directory + "/" + fileName;
    }
  }

  /**
   * What {@link #release} did.
   *
   * @param backup the backup folder, or null when nothing was moved
   * @param released the paths (relative to the root) of the files moved into it
   * @param changed path to why a file was not moved
   */
  public record Released(Path backup, List<String> released, Map<String, String> changed) {
    public Released {
      released = List.copyOf(released);
      changed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(changed));
    }
  }

  /**
   * Moves the files to {@code <backupRoot>/<yyyyMMdd-HHmmss>/<network>/<file>}, writing the
   * manifest first. A failure midway moves back what was moved and throws.
   *
   * @throws ReclaimException when a file could not be moved (the others were put back) or the
   *     backup folder could not be written (nothing was moved)
   */
  public Released release(List<ReservationFile> files, Path backupRoot, String node, Instant now)
      throws ReclaimException {
    if (files.isEmpty()) {
      return new Released(null, List.of(), Map.of());
    }
    Path backup = createBackupFolder(backupRoot, now);
    List<BackupEntry> entries = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (ReservationFile file : files) {
      Path source = root.resolve(file.directory()).resolve(file.fileName());
      String backupPath = file.network() + "/" + file.fileName();
      for (int n = 2; !used.add(backupPath); n++) {
        backupPath = file.network() + "-" + n + "/" + file.fileName();
      }
      entries.add(
          new BackupEntry(
              file.network(),
              file.directory(),
              file.fileName(),
              file.ip(),
              file.containerId(),
              file.ifname(),
              file.sha256(),
              permissions(source),
              file.modified(),
              backupPath));
    }
    try {
      writeManifest(backup, node, now, entries);
    } catch (IOException e) {
      deleteEmptied(backup);
      throw new ReclaimException(
          backup + ": cannot write the backup manifest, nothing was moved: " + e.getMessage(), e);
    }
    List<BackupEntry> moved = new ArrayList<>();
    Map<String, String> changed = new LinkedHashMap<>();
    for (BackupEntry entry : entries) {
      Path source = root.resolve(entry.directory()).resolve(entry.fileName());
      Path target = backup.resolve(entry.backupPath());
      try {
        String now1 = currentSha256(source);
        if (now1 == null) {
          changed.put(entry.path(), "gone before it was moved (released by host-local?)");
          continue;
        }
        if (!now1.equals(entry.sha256())) {
          changed.put(entry.path(), "its content changed since it was read; left in place");
          continue;
        }
        Files.createDirectories(target.getParent());
        mover.move(source, target);
        if (!entry.sha256().equals(currentSha256(target))) {
          mover.move(target, source);
          changed.put(entry.path(), "its content changed while it was moved; put back");
          continue;
        }
        moved.add(entry);
        keepAttributes(target, entry);
      } catch (IOException e) {
        String rollback = putBack(backup, moved);
        throw new ReclaimException(
            source + ": cannot be moved to " + target + ": " + e.getMessage() + "; " + rollback, e);
      }
    }
    try {
      if (moved.isEmpty()) {
        deleteEmptied(backup);
        return new Released(null, List.of(), changed);
      }
      writeManifest(backup, node, now, moved);
    } catch (IOException e) {
      throw new ReclaimException(
          backup.resolve(MANIFEST)
              + ": cannot be rewritten after the move ("
              + e.getMessage()
              + "); it still lists every file that was to be moved, and --restore "
              + backup
              + " handles that",
          e);
    }
    return new Released(backup, moved.stream().map(BackupEntry::path).toList(), changed);
  }

  /** Moves the files back after a failure; says what it did, in words for the error message. */
  private String putBack(Path backup, List<BackupEntry> moved) {
    List<String> stuck = new ArrayList<>();
    for (int i = moved.size() - 1; i >= 0; i--) {
      BackupEntry entry = moved.get(i);
      try {
        mover.move(
            backup.resolve(entry.backupPath()),
            root.resolve(entry.directory()).resolve(entry.fileName()));
        restoreAttributes(root.resolve(entry.directory()).resolve(entry.fileName()), entry);
      } catch (IOException e) {
        stuck.add(entry.path());
      }
    }
    if (stuck.isEmpty()) {
      deleteEmptied(backup);
      return moved.isEmpty()
          ? "nothing was moved"
          : "the " + moved.size() + " file(s) moved before were put back";
    }
    return stuck.size()
        + " file(s) could not be put back and stay in "
        + backup
        + " ("
        + String.join(", ", stuck)
        + "): podnet fix reclaim-ips --root "
        + root
        + " --restore "
        + backup
        + " --apply";
  }

  /**
   * What a restore would do: the files to move back, and those already back in place (a run that
   * was interrupted after writing the manifest).
   */
  public record RestorePlan(
      Path backup,
      String node,
      Instant createdAt,
      List<BackupEntry> toRestore,
      List<BackupEntry> inPlace) {
    public RestorePlan {
      toRestore = List.copyOf(toRestore);
      inPlace = List.copyOf(inPlace);
    }
  }

  /**
   * Checks that every file of the backup can go back exactly where it was.
   *
   * @throws ReclaimException naming the first reason it cannot (an address reserved again since, a
   *     directory gone, a backup file missing or changed); nothing is changed
   */
  public RestorePlan planRestore(Path backup) throws ReclaimException {
    Path manifestFile = backup.resolve(MANIFEST);
    if (!Files.isRegularFile(manifestFile)) {
      throw new ReclaimException(backup + ": not a reclaim-ips backup (no " + MANIFEST + ")");
    }
    ObjectNode manifest = JsonFiles.read(manifestFile);
    if (manifest.path("schemaVersion").asInt() != SCHEMA_VERSION) {
      throw new ReclaimException(manifestFile + ": not a reclaim-ips manifest of schemaVersion 1");
    }
    String node = JsonFiles.text(manifest, "node", manifestFile);
    Instant createdAt = JsonFiles.instant(manifest, "createdAt", manifestFile);
    List<BackupEntry> toRestore = new ArrayList<>();
    List<BackupEntry> inPlace = new ArrayList<>();
    for (JsonNode item : manifest.path("files")) {
      BackupEntry entry = entry(item, manifestFile);
      Path original = inside(root, entry.directory() + "/" + entry.fileName(), manifestFile);
      Path saved = inside(backup, entry.backupPath(), manifestFile);
      String savedSha = currentSha256OrThrow(saved);
      if (Files.exists(original, LinkOption.NOFOLLOW_LINKS)) {
        String originalSha = currentSha256OrThrow(original);
        if (savedSha == null && entry.sha256().equals(originalSha)) {
          inPlace.add(entry);
          continue;
        }
        throw new ReclaimException(
            "refusing to restore "
                + backup
                + ": "
                + entry.ip()
                + " of network "
                + entry.network()
                + " has been reserved again since ("
                + original
                + " exists"
                + holder(original)
                + "); nothing was restored");
      }
      if (!Files.isDirectory(original.getParent())) {
        throw new ReclaimException(
            "refusing to restore "
                + backup
                + ": the directory "
                + original.getParent()
                + " no longer exists; nothing was restored");
      }
      if (savedSha == null) {
        throw new ReclaimException(
            "refusing to restore " + backup + ": " + saved + " is missing; nothing was restored");
      }
      if (!savedSha.equals(entry.sha256())) {
        throw new ReclaimException(
            "refusing to restore "
                + backup
                + ": "
                + saved
                + " is not the file that was backed up (its content changed); nothing was restored");
      }
      toRestore.add(entry);
    }
    return new RestorePlan(backup, node, createdAt, toRestore, inPlace);
  }

  /**
   * Puts the files back (same name, bytes, permissions and modification time) and removes the
   * emptied backup folder. A failure midway moves back into the backup what was restored.
   */
  public void restore(RestorePlan plan) throws ReclaimException {
    List<BackupEntry> restored = new ArrayList<>();
    for (BackupEntry entry : plan.toRestore()) {
      Path saved = plan.backup().resolve(entry.backupPath());
      Path original = root.resolve(entry.directory()).resolve(entry.fileName());
      try {
        mover.move(saved, original);
        restored.add(entry);
        restoreAttributes(original, entry);
      } catch (IOException e) {
        List<String> stuck = new ArrayList<>();
        for (int i = restored.size() - 1; i >= 0; i--) {
          BackupEntry back = restored.get(i);
          try {
            mover.move(
                root.resolve(back.directory()).resolve(back.fileName()),
                plan.backup().resolve(back.backupPath()));
          } catch (IOException again) {
            stuck.add(back.path());
          }
        }
        throw new ReclaimException(
            original
                + ": cannot be restored: "
                + e.getMessage()
                + "; "
                + (stuck.isEmpty()
                    ? "the files restored before it went back into " + plan.backup()
                    : "these stay restored: " + String.join(", ", stuck)),
            e);
      }
    }
    try {
      Files.deleteIfExists(plan.backup().resolve(MANIFEST));
    } catch (IOException e) {
      throw new ReclaimException(
          "every file was restored, but "
              + plan.backup().resolve(MANIFEST)
              + " could not be removed: "
              + e.getMessage(),
          e);
    }
    deleteEmptied(plan.backup());
  }

  private static Path createBackupFolder(Path backupRoot, Instant now) throws ReclaimException {
    String name = FOLDER_NAME.format(now);
    try {
      Files.createDirectories(backupRoot);
      for (int n = 1; ; n++) {
        Path candidate = backupRoot.resolve(n == 1 ? name : name + "-" + n);
        try {
          return Files.createDirectory(candidate);
        } catch (FileAlreadyExistsException e) {
          // two runs in the same second: take the next name
        }
      }
    } catch (IOException e) {
      throw new ReclaimException(
          backupRoot + ": cannot create the backup folder, nothing was moved: " + e.getMessage(),
          e);
    }
  }

  private void writeManifest(Path backup, String node, Instant now, List<BackupEntry> entries)
      throws IOException {
    ObjectNode manifest = JsonFiles.object();
    manifest.put("schemaVersion", SCHEMA_VERSION);
    manifest.put("node", node);
    manifest.put("root", root.toAbsolutePath().normalize().toString());
    manifest.put("createdAt", now.toString());
    ArrayNode files = manifest.putArray("files");
    for (BackupEntry entry : entries) {
      ObjectNode item = files.addObject();
      item.put("network", entry.network());
      item.put("directory", entry.directory());
      item.put("file", entry.fileName());
      item.put("ip", entry.ip());
      item.put("containerId", entry.containerId());
      item.put("ifname", entry.ifname());
      item.put("sha256", entry.sha256());
      if (entry.permissions() != null) {
        item.put("permissions", entry.permissions());
      }
      item.put("modified", entry.modified().toString());
      item.put("backupPath", entry.backupPath());
    }
    JsonFiles.write(backup.resolve(MANIFEST), manifest);
  }

  private static BackupEntry entry(JsonNode item, Path manifest) throws ReclaimException {
    return new BackupEntry(
        JsonFiles.text(item, "network", manifest),
        JsonFiles.text(item, "directory", manifest),
        JsonFiles.text(item, "file", manifest),
        JsonFiles.text(item, "ip", manifest),
        JsonFiles.text(item, "containerId", manifest),
        JsonFiles.text(item, "ifname", manifest),
        JsonFiles.text(item, "sha256", manifest),
        item.hasNonNull("permissions") ? JsonFiles.text(item, "permissions", manifest) : null,
        JsonFiles.instant(item, "modified", manifest),
        JsonFiles.text(item, "backupPath", manifest));
  }

  /** A manifest's relative path resolved below a base; one that leaves it is refused. */
  private static Path inside(Path base, String relative, Path manifest) throws ReclaimException {
    Path resolved = base.resolve(relative).normalize();
    if (relative.startsWith("/")
        || List.of(relative.split("/")).contains("..")
        || !resolved.startsWith(base.normalize())) {
      throw new ReclaimException(manifest + ": path " + relative + " leaves " + base);
    }
    return base.resolve(relative);
  }

  private static String holder(Path original) {
    try {
      List<HostLocalReservation> now =
          HostLocalState.parse(
                  "x",
                  Map.of(
                      original.getFileName().toString(),
                      Files.readString(original, StandardCharsets.UTF_8)))
              .reservations();
      return now.isEmpty() || now.get(0).containerId().isEmpty()
          ? ""
          : ", held by container " + ReclaimPlanner.shortId(now.get(0).containerId());
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** Moves one file without following links, atomically where the file system can. */
  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      // another file system: copy then delete, never over an existing file
      Files.move(from, to, LinkOption.NOFOLLOW_LINKS);
    }
    if (!Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("the move left no " + to);
    }
  }

  /** After a move across file systems the copy may not carry the mode and time: set them. */
  private static void keepAttributes(Path target, BackupEntry entry) throws IOException {
    restoreAttributes(target, entry);
  }

  private static void restoreAttributes(Path file, BackupEntry entry) throws IOException {
    if (entry.permissions() != null) {
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(entry.permissions()));
      } catch (UnsupportedOperationException e) {
        // no POSIX permissions here: nothing to keep
      }
    }
    Files.setLastModifiedTime(file, FileTime.from(entry.modified()));
  }

  private static String permissions(Path file) {
    try {
      return PosixFilePermissions.toString(
          Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
    } catch (UnsupportedOperationException | IOException e) {
      return null;
    }
  }

  /** The SHA-256 of a file's bytes, or null when there is no such file. */
  private static String currentSha256(Path file) throws IOException {
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? "" : null;
      }
      return sha256(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static String currentSha256OrThrow(Path file) throws ReclaimException {
    try {
      return currentSha256(file);
    } catch (IOException e) {
      throw new ReclaimException(file + ": cannot be read: " + e.getMessage(), e);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** Removes the manifest's folder tree if only empty directories (and no files) remain. */
  private static void deleteEmptied(Path backup) {
    try (Stream<Path> walk = Files.walk(backup)) {
      List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
      for (Path path : paths) {
        if (path.getFileName().toString().equals(MANIFEST)
            && paths.stream().noneMatch(p -> Files.isRegularFile(p) && !p.equals(path))) {
          Files.deleteIfExists(path);
        }
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          try {
            Files.delete(path);
          } catch (DirectoryNotEmptyException e) {
            // something else is in it: keep it
          }
        }
      }
    } catch (IOException e) {
      // an emptied folder left behind is harmless; the report names the backup if files remain
    }
  }

  private static IPAddress address(String ip) {
    return new IPAddressString(ip).getAddress();
  }
}
