package dev.largeupload.web.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (never a downloaded driver), with
 * a temporary HOME and profile, and the flags this machine's closed network needs. The console
 * (errors, Content-Security-Policy violations) is kept for the test to read. A missing Chromium
 * fails the test: {@code .ci/run} installs it.
 */
final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    static Browser start(Path work) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("Chromium is needed by this test: apt-get install -y chromium chromium-driver");
        }
        try {
            Path home = Files.createDirectories(work.resolve("browser-home"));
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .withEnvironment(Map.of("HOME", home.toString()))
                    .build();
            ChromeOptions options = new ChromeOptions()
                    .setBinary(CHROMIUM.toFile())
                    .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            "--disable-dev-shm-usage", "--window-size=1280,900",
                            "--user-data-dir=" + Files.createDirectories(work.resolve("browser-profile")));
            LoggingPreferences logging = new LoggingPreferences();
            logging.enable(LogType.BROWSER, Level.ALL);
            options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().implicitlyWait(Duration.ZERO);
            return new Browser(driver);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Limits how fast the page may upload, so that a test can act while an upload is under way. */
    void throttleUploads(int bytesPerSecond) {
        ChromiumNetworkConditions conditions = new ChromiumNetworkConditions();
        conditions.setUploadThroughput(bytesPerSecond);
        conditions.setDownloadThroughput(100 * 1024 * 1024);
        conditions.setLatency(Duration.ZERO);
        driver.setNetworkConditions(conditions);
    }

    void unthrottle() {
        driver.deleteNetworkConditions();
    }

    /**
     * What the browser's console received since the last call, errors included: a script that failed
     * to load, a request answered with an error, a Content-Security-Policy violation.
     */
    List<LogEntry> consoleSinceLastCall() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    /** The console lines at error level since the last call, as "LEVEL message". */
    List<String> consoleErrorsSinceLastCall() {
        return consoleSinceLastCall().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(entry -> entry.getLevel() + " " + entry.getMessage())
                .toList();
    }

    /** Saves what the page shows now as a PNG, for people to look at (a test artifact). */
    Path screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
