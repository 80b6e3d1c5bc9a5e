package io.github.realtimepatterns.core.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium for browser tests: Debian's {@code /usr/bin/chromium} driven through its
 * {@code /usr/bin/chromedriver} (packages {@code chromium} and {@code chromium-driver}, which {@code .ci/run}
 * installs), never a downloaded browser. Each instance has a fresh profile directory, deleted on
 * {@link #close()}; a JVM shutdown hook quits it too, so a failed run leaves no browser behind.
 *
 * <pre>{@code
 * try (HeadlessChromium chromium = HeadlessChromium.start()) {
 *     chromium.open(server.uri().resolve("/page.html"));
 *     Object title = chromium.eval("return document.title");
 * }
 * }</pre>
 *
 * Missing binaries fail the test (they are not a reason to skip it). Not thread-safe: drive it from the
 * test thread.
 */
public final class HeadlessChromium implements AutoCloseable {

    /** Debian's Chromium. */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Debian's chromedriver, matching {@link #CHROMIUM}'s version. */
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Thread shutdownHook;
    private boolean closed;

    private HeadlessChromium(Path profile, ChromeDriverService service, ChromeDriver driver) {
        this.profile = profile;
        this.service = service;
        this.driver = driver;
        this.shutdownHook = new Thread(this::quit, "headless-chromium-quitter");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts Chromium headless with {@code --no-sandbox}, {@code --disable-gpu},
     * {@code --disable-background-networking} and a fresh {@code --user-data-dir}.
     *
     * @throws IllegalStateException when Chromium or chromedriver is not installed
     */
    public static HeadlessChromium start() {
        for (Path binary : new Path[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " is missing: install the Debian packages chromium and"
                        + " chromium-driver (.ci/run does)");
            }
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("headless-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The driver is named outright, so Selenium Manager has nothing to look up or download.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + profile, "--window-size=1280,800");
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            return new HeadlessChromium(profile, service, driver);
        } catch (RuntimeException e) {
            service.stop();
            delete(profile);
            throw e;
        }
    }

    /** Loads {@code page} in the one tab, replacing what was there (its scripts and connections end). */
    public void open(URI page) {
        driver.get(page.toString());
    }

    /** Runs {@code script} (a function body: {@code return ...} gives the value) in the page. */
    public Object eval(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Runs {@code script} asynchronously: its last argument is a callback to call with the result, as in
     * {@code arguments[arguments.length - 1](value)}; waits for it up to 30 s.
     */
    public Object evalAsync(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    /** The Selenium driver, for what the methods here do not cover. */
    public ChromeDriver driver() {
        return driver;
    }

    /** Quits the browser and the driver, and deletes the profile; idempotent. */
    @Override
    public void close() {
        quit();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and runs the hook itself
        }
    }

    private synchronized void quit() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            driver.quit();
        } finally {
            service.stop();
            delete(profile);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + dir, e);
        }
    }
}
