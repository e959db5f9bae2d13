package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * One libtorch operation that DJL's bindings do not reach (a fused kernel such as tanh-GELU or
 * {@code _fused_adamw_}), called through a TorchScript module whose {@code forward} is written here
 * as source text.
 *
 * <p>A TorchScript archive is a zip of a pickled module object ({@code data.pkl}), its class's
 * source ({@code code/__torch__.py}), the constants table and a format version. libtorch compiles
 * the source when it loads the archive, so a module may call any operator of the libtorch that runs
 * it (2.7 here), and no Python is needed to build it. Autograd records the operations when the
 * module runs with gradients on ({@link #apply}), so a fused kernel's own backward is used.
 */
public final class ScriptedOp {
    private static final NDManager MANAGER = NDManager.newBaseManager(); // lives as long as the JVM
    private final String name;
    private final PtSymbolBlock module;

    private ScriptedOp(String name, PtSymbolBlock module) {
        this.name = name;
        this.module = module;
    }

    /**
     * Compiles a module named {@code className} whose {@code forward} has the given parameter list
     * (after {@code self}), return type and body (TorchScript, indented by four spaces).
     */
    public static ScriptedOp compile(
            String className, String parameters, String returnType, String body) {
        String source =
                "class "
                        + className
                        + "(Module):\n"
                        + "  __parameters__ = []\n"
                        + "  __buffers__ = []\n"
                        + "  training : bool\n"
                        + "  def forward(self: __torch__."
                        + className
                        + ",\n    "
                        + parameters
                        + ") -> "
                        + returnType
                        + ":\n"
                        + body.stripTrailing()
                        + "\n";
        byte[] archive = archive(className, source);
        try {
            PtSymbolBlock module =
                    JniUtils.loadModule(
                            (PtNDManager) MANAGER, new ByteArrayInputStream(archive), false, false);
            return new ScriptedOp(className, module);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the scripted op " + className, e);
        }
    }

    /**
     * Runs {@code forward} on tensors, recording autograd when this thread records gradients; the
     * outputs belong to the first input's manager. The inputs' names are lifted for the call and
     * restored after it, so two threads must not pass the same array at once (the weights of a
     * model trained by one thread and read by another, say).
     */
    public NDList apply(NDArray... inputs) {
        // DJL reads structure from array names ("a.b" becomes a dict entry, "a[]" a list):
        // parameters are named like "h.0.attn.weight", so the names are lifted for the call
        String[] names = new String[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            names[i] = inputs[i].getName();
            inputs[i].setName(null);
        }
        try {
            NDList out = IValueUtils.forward(module, new NDList(inputs), JniUtils.isGradMode());
            out.attach(inputs[0].getManager());
            return out;
        } finally {
            for (int i = 0; i < inputs.length; i++) {
                inputs[i].setName(names[i]);
            }
        }
    }

    /** Runs {@code forward} without autograd on arguments of any type; returns nothing. */
    public void run(IValue... arguments) {
        try (IValue result = IValueUtils.forward(module, arguments)) {
            // the op works in place; its result is None
        } finally {
            for (IValue a : arguments) {
                a.close();
            }
        }
    }

    /** A tensor argument for {@link #run}; the tensor itself stays the caller's. */
    public static IValue tensor(NDArray x) {
        return IValue.from((PtNDArray) x);
    }

    /** A list-of-tensors argument for {@link #run}. */
    public static IValue tensors(java.util.List<NDArray> xs) {
        return IValue.listFrom(xs.stream().map(x -> (PtNDArray) x).toArray(PtNDArray[]::new));
    }

    @Override
    public String toString() {
        return "ScriptedOp[" + name + "]";
    }

    /** The zip layout {@code torch.jit.save} writes, with only what loading needs. */
    private static byte[] archive(String className, String source) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            String root = "archive/";
            put(zip, root + "data.pkl", pickledModule(className));
            put(zip, root + "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            put(zip, root + "constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // ()
            put(zip, root + ".data/version", "10\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Pickle protocol 2 of an instance of {@code __torch__.className} whose state is {@code
     * {"training": False}}.
     */
    private static byte[] pickledModule(String className) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80); // PROTO 2
        p.write(2);
        p.writeBytes(("c__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
        p.write(')'); // EMPTY_TUPLE
        p.write(0x81); // NEWOBJ
        p.write('}'); // EMPTY_DICT
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X'); // BINUNICODE, 4-byte little-endian length
        p.write(key.length);
        p.write(0);
        p.write(0);
        p.write(0);
        p.writeBytes(key);
        p.write(0x89); // NEWFALSE
        p.write('s'); // SETITEM
        p.write('b'); // BUILD
        p.write('.'); // STOP
        return p.toByteArray();
    }

    private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED); // the loader reads entries in place
        entry.setSize(data.length);
        entry.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
    }
}
