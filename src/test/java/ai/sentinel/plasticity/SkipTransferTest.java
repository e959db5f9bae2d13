package ai.sentinel.plasticity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SkipTransferTest {
    @Test
    void orthogonalIterationFindsThePlantedLeadingEigenvectors() {
        int E = 12;
        int d = 3;
        // a random orthonormal basis V and eigenvalues 12, 11, …, 1: A = V·diag·Vᵀ
        SplittableRandom random = new SplittableRandom(3);
        double[][] v = new double[E][E];
        for (int i = 0; i < E; i++) {
            for (int j = 0; j < E; j++) {
                v[i][j] = random.nextGaussian();
            }
        }
        for (int j = 0; j < E; j++) { // Gram–Schmidt on columns
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < E; i++) {
                    dot += v[i][j] * v[i][k];
                }
                for (int i = 0; i < E; i++) {
                    v[i][j] -= dot * v[i][k];
                }
            }
            double norm = 0;
            for (int i = 0; i < E; i++) {
                norm += v[i][j] * v[i][j];
            }
            for (int i = 0; i < E; i++) {
                v[i][j] /= Math.sqrt(norm);
            }
        }
        double[] a = new double[E * E];
        for (int i = 0; i < E; i++) {
            for (int k = 0; k < E; k++) {
                for (int j = 0; j < E; j++) {
                    a[i * E + k] += v[i][j] * (E - j) * v[k][j];
                }
            }
        }
        double[][] q = SkipTransfer.leadingDirections(a, E, d, 7);
        for (int j = 0; j < d; j++) {
            double dot = 0;
            for (int i = 0; i < E; i++) {
                dot += q[i][j] * v[i][j];
            }
            assertEquals(1, Math.abs(dot), 1e-6, "direction " + j);
        }
    }
}
