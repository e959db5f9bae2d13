package ai.sentinel.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * The one place a device is chosen: always by name, never the engine's implicit default (which is a
 * GPU whenever libtorch sees one), so that every array follows the model's manager.
 */
public final class Devices {
    private Devices() {}

    /**
     * {@code cpu}, or {@code gpu}/{@code cuda} (optionally {@code gpu:N}) when libtorch sees that
     * GPU.
     */
    public static Device parse(String name) {
        String n = name.toLowerCase(Locale.ROOT).strip();
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        if (n.matches("(gpu|cuda)(:\\d+)?")) {
            int index = n.contains(":") ? Integer.parseInt(n.substring(n.indexOf(':') + 1)) : 0;
            int visible = Engine.getInstance().getGpuCount();
            if (index >= visible) {
                throw new IllegalArgumentException(
                        "--device "
                                + name
                                + ": libtorch sees "
                                + (visible == 0 ? "no GPU" : visible + " GPU(s)")
                                + " here (a GPU needs --engine cuda, its driver and the host's CUDA 12"
                                + " and cuDNN 9; 'sentinel engine' shows the engine in use); use"
                                + " --device cpu");
            }
            return Device.gpu(index);
        }
        throw new IllegalArgumentException(
                "--device " + name + " is not a device; accepted: cpu, gpu, gpu:N");
    }
}
