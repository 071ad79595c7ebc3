package io.otaflow.devstack.dashboard;

import io.otaflow.testtools.ToolsOnPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Debian's chromedriver (named explicitly: Selenium must download nothing
 * here), with the browser cache off so that every load transfers everything, as a first visit does.
 */
final class DashboardBrowser implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(90);

  private final ChromeDriver driver;
  private final String baseUrl;

  private DashboardBrowser(ChromeDriver driver, String baseUrl) {
    this.driver = driver;
    this.baseUrl = baseUrl;
  }

  /** Skips the test (or fails it under OTAFLOW_REQUIRE_TOOLS=1) where chromium or chromedriver is missing. */
  static DashboardBrowser open(String baseUrl) {
    Path chromium = ToolsOnPath.require("chromium", "chromium");
    Path chromedriver = ToolsOnPath.require("chromedriver", "chromium-driver");
    ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
        .usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.executeCdpCommand("Network.enable", Map.of());
    driver.executeCdpCommand("Network.setCacheDisabled", Map.of("cacheDisabled", true));
    return new DashboardBrowser(driver, baseUrl);
  }

  WebDriver driver() {
    return driver;
  }

  void go(String path) {
    driver.get(baseUrl + path);
  }

  void signIn(String token) {
    go("/ui/signin");
    driver.findElement(By.id("token")).sendKeys(token);
    driver.findElement(By.cssSelector("main form button[type=submit]")).click();
  }

  void signOut() {
    driver.findElement(By.cssSelector("form.signout button")).click();
  }

  String text(String css) {
    return driver.findElement(By.cssSelector(css)).getText();
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  boolean present(String css) {
    return !driver.findElements(By.cssSelector(css)).isEmpty();
  }

  Object script(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  Object asyncScript(String script, Object... args) {
    return driver.executeAsyncScript(script, args);
  }

  /**
   * Waits for the page to show {@code what}, checking as it changes; an element the live updates just replaced is
   * looked up again.
   */
  <T> T await(String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, WAIT).withMessage(what).ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  /** Bytes the page and everything it loaded came over the network with (Performance API's transferSize). */
  long transferredBytes() {
    return ((Number) script("return performance.getEntriesByType('navigation')[0].transferSize"
        + " + performance.getEntriesByType('resource').reduce((sum, r) => sum + r.transferSize, 0);")).longValue();
  }

  /** A screenshot of the window at {@code width} x {@code height}, kept in target/screenshots. */
  Path screenshot(String name, int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
    try {
      Path file = Path.of("target", "screenshots", name + "-" + width + ".png");
      Files.createDirectories(file.getParent());
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      driver.manage().window().setSize(new Dimension(1280, 800));
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
