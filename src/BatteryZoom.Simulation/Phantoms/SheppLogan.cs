using BatteryZoom.Core.Geometry;
using BatteryZoom.Core.Units;

namespace BatteryZoom.Simulation.Phantoms;

/// <summary>The modified (Toft) Shepp–Logan head phantom in 2D and 3D, values 0..1 times a scale.</summary>
/// <remarks>2D: Toft (1996) modified contrasts of Shepp &amp; Logan (1974), the same table as scikit-image and
/// shared/peer-bench; normalised coordinates scaled by <c>radius</c>. 3D: Kak &amp; Slaney's ellipsoids with the same
/// contrasts, rotations about z only (the small tilts of two ellipsoids in some 3D variants are left out).
/// Row index increases with +y here (docs/conventions.md); peer images with y up must be flipped vertically.</remarks>
public static class SheppLogan
{
    // (value, a, b, c, x0, y0, z0, phi in degrees), normalised to radius 1.
    private static readonly (double V, double A, double B, double C, double X, double Y, double Z, double Phi)[] Table =
    [
        (1.0, 0.69, 0.92, 0.81, 0, 0, 0, 0),
        (-0.8, 0.6624, 0.874, 0.78, 0, -0.0184, 0, 0),
        (-0.2, 0.11, 0.31, 0.22, 0.22, 0, 0, -18),
        (-0.2, 0.16, 0.41, 0.28, -0.22, 0, 0, 18),
        (0.1, 0.21, 0.25, 0.41, 0, 0.35, -0.15, 0),
        (0.1, 0.046, 0.046, 0.05, 0, 0.1, 0.25, 0),
        (0.1, 0.046, 0.046, 0.05, 0, -0.1, 0.25, 0),
        (0.1, 0.046, 0.023, 0.05, -0.08, -0.605, 0, 0),
        (0.1, 0.023, 0.023, 0.02, 0, -0.606, 0, 0),
        (0.1, 0.023, 0.046, 0.02, 0.06, -0.605, 0, 0),
    ];

    /// <summary>2D phantom as infinitely tall elliptic cylinders (every z slice identical), value × <paramref name="scale"/>.</summary>
    /// <remarks>The table's y axis points up; here rows increase with +y, so y0 and the rotation are mirrored to keep the
    /// familiar picture when row 0 is drawn at the top.</remarks>
    public static EllipsoidPhantom Create2D(Length radius, double scale = 1.0)
    {
        double r = radius.Meters;
        return new EllipsoidPhantom(Table.Select(t => new Ellipsoid(
            new Vec3(t.X * r, -t.Y * r, 0), new Vec3(t.A * r, t.B * r, 1e6 * r), Angle.FromDegrees(-t.Phi), t.V * scale)).ToArray());
    }

    /// <summary>3D phantom, value × <paramref name="scale"/>.</summary>
    public static EllipsoidPhantom Create3D(Length radius, double scale = 1.0)
    {
        double r = radius.Meters;
        return new EllipsoidPhantom(Table.Select(t => new Ellipsoid(
            new Vec3(t.X * r, -t.Y * r, t.Z * r), new Vec3(t.A * r, t.B * r, t.C * r), Angle.FromDegrees(-t.Phi), t.V * scale)).ToArray());
    }
}
