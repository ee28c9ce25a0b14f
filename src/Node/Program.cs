using N2N.Node.Cli;

return await CliApp.RunAsync(args, Console.Out, Console.Error);
