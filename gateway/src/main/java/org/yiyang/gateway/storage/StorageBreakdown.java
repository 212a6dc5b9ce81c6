package org.yiyang.gateway.storage;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.h2.engine.SessionLocal;
import org.h2.index.Index;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.db.MVIndex;
import org.h2.mvstore.db.MVTable;
import org.h2.table.Table;

/**
 * Where a stopped gateway's embedded H2 files keep their bytes (issue 25, ADR 0063): for the
 * journal ({@code <data-dir>/journal}) and the embedded FHIR store ({@code <data-dir>/fhir}), the
 * live bytes of every table's rows and of each of its indexes, of H2's large-object maps and of its
 * own metadata, per record when a record count is given, next to the file's size. {@code
 * bin/benchmark}'s storage phase prints it after the clean stop and after the purge.
 *
 * <p>Run on a data directory no gateway has open (H2 locks its files): {@code java -cp
 * yiyang-gateway.jar -Dloader.main=org.yiyang.gateway.storage.StorageBreakdown
 * org.springframework.boot.loader.launch.PropertiesLauncher <data-dir> [records] [label]}. The
 * {@code key=value} lines it ends with are {@code <label>_<store>_<table>_bytes_per_record} (rows
 * and indexes together) and {@code <label>_<store>_live_bytes_per_record}.
 *
 * <p>Bytes are those of the live B-tree pages as H2 stores them (compressed or not), read page by
 * page: what is left of the file beyond them is dead or free space in it.
 */
public final class StorageBreakdown {

  /** Live bytes of one map (a table's rows, an index, or one of H2's own). */
  public record Part(String table, String part, long rows, long bytes) {}

  /** One H2 file: its size, and the live bytes of its maps, largest first. */
  public record Breakdown(String store, long fileBytes, int fillRate, List<Part> parts) {
    public long liveBytes() {
      return parts.stream().mapToLong(Part::bytes).sum();
    }

    /** Rows and indexes of each table together, largest first (H2's own maps under "(h2)"). */
    public Map<String, Long> byTable() {
      Map<String, Long> tables = new LinkedHashMap<>();
      parts.stream()
          .sorted(Comparator.comparingLong(Part::bytes).reversed())
          .forEach(p -> tables.merge(p.table(), p.bytes(), Long::sum));
      Map<String, Long> sorted = new LinkedHashMap<>();
      tables.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .forEach(e -> sorted.put(e.getKey(), e.getValue()));
      return sorted;
    }
  }

  private StorageBreakdown() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: StorageBreakdown <data-dir> [records] [label]");
      System.exit(2);
    }
    Path dataDir = Path.of(args[0]);
    long records = args.length > 1 ? Long.parseLong(args[1]) : 0;
    String label = args.length > 2 ? args[2] : "storage";
    List<Breakdown> stores = new ArrayList<>();
    Path journal = dataDir.resolve("journal").resolve("journal");
    if (Files.exists(Path.of(journal + ".mv.db"))) {
      stores.add(of("journal", journal));
    }
    Path fhir = dataDir.resolve("fhir").resolve("fhir-r4");
    if (Files.exists(Path.of(fhir + ".mv.db"))) {
      stores.add(of("fhir", fhir));
    }
    for (Breakdown b : stores) {
      print(b, records, label, System.out);
    }
    System.exit(0);
  }

  /** Opens the H2 file {@code base} (without {@code .mv.db}) read-only and measures its maps. */
  public static Breakdown of(String store, Path base) throws SQLException {
    long fileBytes;
    try {
      fileBytes = Files.size(Path.of(base + ".mv.db"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    try (Connection c =
        DriverManager.getConnection(
            "jdbc:h2:file:" + base.toAbsolutePath() + ";ACCESS_MODE_DATA=r", "sa", "")) {
      return of(store, c, fileBytes);
    }
  }

  /** Measures the maps of the H2 database behind {@code c} (embedded, in this process). */
  public static Breakdown of(String store, Connection c, long fileBytes) throws SQLException {
    SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
    // Opens H2's large-object maps, if the file has them.
    session.getDatabase().getLobStorage();
    MVStore mv = session.getDatabase().getStore().getMvStore();
    List<Part> parts = new ArrayList<>();
    Set<String> named = new HashSet<>();
    for (Table table : session.getDatabase().getAllTablesAndViews()) {
      if (!(table instanceof MVTable mvTable)) {
        continue;
      }
      String name = table.getName();
      long rows = table.getRowCountApproximation(session);
      for (Index index : mvTable.getIndexes()) {
        if (!(index instanceof MVIndex<?, ?> mvIndex)) {
          continue; // a delegate index: the rows' own map, counted once
        }
        MVMap<?, ?> map = mvIndex.getMVMap();
        if (map == null || !named.add(map.getName())) {
          continue;
        }
        boolean primary = map.getName().equals(mvTable.getMapName());
        parts.add(new Part(name, primary ? "rows" : "index " + index.getName(), rows, bytes(map)));
      }
    }
    for (String mapName : mv.getMapNames()) {
      if (named.contains(mapName)) {
        continue;
      }
      String id = mv.getMetaMap().get("name." + mapName);
      MVMap<?, ?> map = id == null ? null : mv.getMap(Integer.parseInt(id, 16));
      if (map == null) {
        continue; // never opened: a temporary or dropped map
      }
      String table = mapName.startsWith("lob") || mapName.equals("tempLobMap") ? "(lobs)" : "(h2)";
      parts.add(new Part(table, mapName, map.sizeAsLong(), bytes(map)));
    }
    parts.add(new Part("(h2)", "meta", mv.getMetaMap().sizeAsLong(), bytes(mv.getMetaMap())));
    parts.sort(Comparator.comparingLong(Part::bytes).reversed());
    return new Breakdown(store, fileBytes, mv.getFillRate(), parts);
  }

  private static long bytes(MVMap<?, ?> map) {
    return map.getRootPage().getDiskSpaceUsed(false);
  }

  /** The table of parts, then the {@code key=value} lines. */
  public static void print(Breakdown b, long records, String label, PrintStream out) {
    long per = Math.max(1, records);
    out.printf(
        Locale.ROOT,
        "%s: file %,d B%s, fill rate %d %%, live pages %,d B%s%n",
        b.store(),
        b.fileBytes(),
        records > 0 ? String.format(Locale.ROOT, " (%,d B/record)", b.fileBytes() / per) : "",
        b.fillRate(),
        b.liveBytes(),
        records > 0 ? String.format(Locale.ROOT, " (%,d B/record)", b.liveBytes() / per) : "");
    out.printf(
        Locale.ROOT,
        "  %-28s %-34s %10s %14s %10s%n",
        "table",
        "part",
        "rows",
        "bytes",
        "B/record");
    long small = 0;
    for (Part p : b.parts()) {
      if (p.bytes() * 1000 < b.liveBytes()) {
        small += p.bytes();
        continue;
      }
      out.printf(
          Locale.ROOT,
          "  %-28s %-34s %10d %,14d %10d%n",
          p.table(),
          p.part(),
          p.rows(),
          p.bytes(),
          p.bytes() / per);
    }
    out.printf(
        Locale.ROOT, "  %-28s %-34s %10s %,14d %10d%n", "(the rest)", "", "", small, small / per);
    if (records > 0) {
      String prefix = label + "_" + b.store() + "_";
      out.printf(Locale.ROOT, "%sfile_bytes_per_record=%d%n", prefix, b.fileBytes() / per);
      out.printf(Locale.ROOT, "%slive_bytes_per_record=%d%n", prefix, b.liveBytes() / per);
      b.byTable()
          .forEach(
              (table, bytes) -> {
                if (bytes / per > 0) {
                  out.printf(
                      Locale.ROOT,
                      "%s%s_bytes_per_record=%d%n",
                      prefix,
                      table.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT),
                      bytes / per);
                }
              });
    }
  }
}
