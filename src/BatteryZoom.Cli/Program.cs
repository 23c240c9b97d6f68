using BatteryZoom.Cli;

return await BzoomApp.RunAsync(args).ConfigureAwait(false);
