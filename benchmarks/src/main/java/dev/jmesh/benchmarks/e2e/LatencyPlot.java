package dev.jmesh.benchmarks.e2e;

import dev.jmesh.benchmarks.e2e.Results.CellKey;
import dev.jmesh.benchmarks.e2e.Results.Setup;
import dev.jmesh.benchmarks.e2e.Results.Summary;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The latency-distribution plot: one panel per (concurrency, client), in each one curve per
 * setup giving its latency at every percentile from p0 to p99.9. The x axis is in "nines"
 * ({@code -log10(1 - q)}), so p50, p90, p99 and p99.9 are evenly spaced; y is logarithmic.
 * Drawn with java.awt, headless.
 */
final class LatencyPlot {

    static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};
    static final double MAX_NINES = 3; // p99.9

    private static final int PANEL_W = 760;
    private static final int PANEL_H = 470;
    private static final int TITLE_H = 70;
    private static final int LEFT = 90;
    private static final int RIGHT = 25;
    private static final int TOP = 45;
    private static final int BOTTOM = 60;

    private LatencyPlot() {
    }

    static void write(Path file, Map<CellKey, Summary<CellKey>> summaries, List<String> clients, List<Integer> concurrencies,
                      int rounds, int warmupMs, int measureMs) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int width = PANEL_W * clients.size();
        int height = TITLE_H + PANEL_H * concurrencies.size();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);

            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 22));
            centered(g, "Latency by percentile: direct vs jmesh agent vs sidecar hop (nginx backend, loopback)", width / 2, 32);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
            centered(g, String.format(Locale.ROOT,
                    "closed loop, %d round(s) of %.1f s measured after %.1f s warm-up per cell; curves: histograms of all rounds merged;"
                            + " legend: medians over rounds, as in the table",
                    rounds, measureMs / 1000.0, warmupMs / 1000.0), width / 2, 56);

            for (int row = 0; row < concurrencies.size(); row++) {
                for (int col = 0; col < clients.size(); col++) {
                    int x0 = col * PANEL_W;
                    int y0 = TITLE_H + row * PANEL_H;
                    List<Curve> curves = new ArrayList<>();
                    for (Setup setup : Setup.values()) {
                        Summary<CellKey> s = summaries.get(new CellKey(setup, clients.get(col), concurrencies.get(row)));
                        if (s != null && s.merged().count() > 0) {
                            curves.add(new Curve(setup, s));
                        }
                    }
                    panel(g, x0, y0, Reports.clientName(clients.get(col)) + ", " + Reports.threads(concurrencies.get(row)), curves);
                }
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    private record Curve(Setup setup, Summary<CellKey> summary) {
        double microsAt(double nines) {
            double q = 1 - Math.pow(10, -nines);
            return summary.merged().valueAt(q) / 1000.0;
        }
    }

    private static void panel(Graphics2D g, int x0, int y0, String title, List<Curve> curves) {
        int px = x0 + LEFT;
        int py = y0 + TOP;
        int pw = PANEL_W - LEFT - RIGHT;
        int ph = PANEL_H - TOP - BOTTOM;

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        centered(g, title, px + pw / 2, y0 + 28);

        // y range over all curves: from the smallest p0 to the largest p99.9, padded to whole 1-2-5 steps
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (Curve c : curves) {
            lo = Math.min(lo, c.microsAt(0));
            hi = Math.max(hi, c.microsAt(MAX_NINES));
        }
        if (curves.isEmpty()) {
            lo = 1;
            hi = 10;
        }
        double logLo = Math.log10(niceBelow(Math.max(lo, 0.1)));
        double logHi = Math.log10(niceAbove(Math.max(hi, lo * 2)));

        // grid and axes
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1f));
        for (double tick : yTicks(logLo, logHi)) {
            int y = py + ph - (int) Math.round((Math.log10(tick) - logLo) / (logHi - logLo) * ph);
            g.setColor(new Color(0xdddddd));
            g.drawLine(px, y, px + pw, y);
            g.setColor(Color.DARK_GRAY);
            String label = tick >= 1 ? String.format(Locale.ROOT, "%,.0f", tick) : String.format(Locale.ROOT, "%.1f", tick);
            g.drawString(label, px - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
        String[] xLabels = {"p0", "p50", "p90", "p99", "p99.9"};
        double[] xNines = {0, Math.log10(2), 1, 2, 3};
        for (int i = 0; i < xLabels.length; i++) {
            int x = px + (int) Math.round(xNines[i] / MAX_NINES * pw);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x, py, x, py + ph);
            g.setColor(Color.DARK_GRAY);
            centered(g, xLabels[i], x, py + ph + fm.getAscent() + 6);
        }
        g.setColor(Color.BLACK);
        g.drawRect(px, py, pw, ph);
        centered(g, "percentile (log scale of 1/(1−q))", px + pw / 2, py + ph + 42);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        centered(g, "latency per request, µs (log scale)", -(py + ph / 2), x0 + 22);
        g.setTransform(saved);

        // curves
        g.setStroke(new BasicStroke(2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        int steps = 600;
        for (Curve c : curves) {
            Path2D.Double path = new Path2D.Double();
            for (int i = 0; i <= steps; i++) {
                double nines = MAX_NINES * i / steps;
                double v = Math.max(c.microsAt(nines), Math.pow(10, logLo));
                double x = px + nines / MAX_NINES * pw;
                double y = py + ph - (Math.log10(v) - logLo) / (logHi - logLo) * ph;
                if (i == 0) {
                    path.moveTo(x, y);
                } else {
                    path.lineTo(x, y);
                }
            }
            g.setColor(COLORS[c.setup().ordinal() % COLORS.length]);
            g.draw(path);
        }

        // legend, top left inside the plot: the setup and its p50 / p99
        int lx = px + 12;
        int ly = py + 12;
        int lineH = 20;
        int legendW = 0;
        List<String> entries = new ArrayList<>();
        for (Curve c : curves) {
            String text = String.format(Locale.ROOT, "%s   p50 %s µs, p99 %s µs", c.setup().label(),
                    Results.fmt(c.summary().p50()), Results.fmt(c.summary().p99()));
            entries.add(text);
            legendW = Math.max(legendW, fm.stringWidth(text));
        }
        entries.add("d agent + mTLS   n/a (needs mTLS)");
        legendW = Math.max(legendW, fm.stringWidth(entries.get(entries.size() - 1)));
        g.setColor(new Color(255, 255, 255, 235));
        g.fillRect(lx, ly, legendW + 50, entries.size() * lineH + 10);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(lx, ly, legendW + 50, entries.size() * lineH + 10);
        for (int i = 0; i < entries.size(); i++) {
            int y = ly + 8 + i * lineH + lineH / 2;
            if (i < curves.size()) {
                g.setColor(COLORS[curves.get(i).setup().ordinal() % COLORS.length]);
                g.setStroke(new BasicStroke(3f));
                g.drawLine(lx + 8, y, lx + 36, y);
                g.setColor(Color.BLACK);
            } else {
                g.setColor(Color.GRAY);
            }
            g.drawString(entries.get(i), lx + 44, y + fm.getAscent() / 2 - 1);
        }
    }

    private static List<Double> yTicks(double logLo, double logHi) {
        List<Double> ticks = new ArrayList<>();
        boolean sparse = logHi - logLo > 3;
        for (int e = (int) Math.floor(logLo); e <= (int) Math.ceil(logHi); e++) {
            for (double m : sparse ? new double[] {1} : new double[] {1, 2, 5}) {
                double t = m * Math.pow(10, e);
                double lt = Math.log10(t);
                if (lt >= logLo - 1e-9 && lt <= logHi + 1e-9) {
                    ticks.add(t);
                }
            }
        }
        return ticks;
    }

    static double niceBelow(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {5, 2, 1}) {
            if (m * p <= v) {
                return m * p;
            }
        }
        return p;
    }

    static double niceAbove(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static void centered(Graphics2D g, String text, int x, int y) {
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, y);
    }
}
