// SPDX-License-Identifier: MIT
using System.Runtime.ExceptionServices;
using BatteryZoom.Core.Diagnostics;

namespace BatteryZoom.Tomography.Preprocessing;

/// <summary>Runs parallel loops so a domain error thrown inside surfaces as itself, not wrapped in an AggregateException.</summary>
internal static class Parallelism
{
    public static void Run(Action loop)
    {
        try { loop(); }
        catch (AggregateException e)
        {
            var inner = e.Flatten().InnerExceptions;
            var domain = inner.FirstOrDefault(x => x is BatteryZoomException or OperationCanceledException);
            if (domain is not null) ExceptionDispatchInfo.Capture(domain).Throw();
            throw;
        }
    }
}
