import { Command } from 'commander';

import { count } from '../../output/count';

import { loadGallery, saveGallery } from '../../prediction/gallery-file';
import { defaultGalleryPath } from '../context';

/**
 * Raises the usage error for words that `gallery list` received: an unknown
 * subcommand when `list` ran as the default, else too many arguments.
 */
function rejectOperands(gallery: Command, list: Command): void {
  const [first] = list.args;
  if (first === undefined) return;
  if (gallery.args[0] === list.name()) {
    list.error(`error: 'gallery list' takes no arguments, got '${first}'`);
  }
  const names = gallery.commands.map((subcommand) => subcommand.name());
  gallery.error(
    `error: unknown subcommand 'gallery ${first}'; use one of: ${names.join(', ')}`,
  );
}

/** `facelab gallery`: lists the people in a gallery file, or removes one. */
export function galleryCommand(): Command {
  const command = new Command('gallery').description(
    'list the people in the gallery, or remove one',
  );
  const list = command
    .command('list', { isDefault: true })
    .description('list each person and the number of enrolled photos')
    .option('--gallery <file>', 'gallery file', defaultGalleryPath())
    .option('--json', 'print as JSON')
    // `list` is the default subcommand, so commander hands it every word
    // after `gallery` that names no subcommand. The action reports those.
    .allowExcessArguments()
    .action(async (flags: { gallery: string; json?: boolean }) => {
      rejectOperands(command, list);
      const gallery = await loadGallery(flags.gallery);
      const labels = gallery?.labels() ?? [];
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ model: gallery?.model ?? null, people: labels }, null, 2)}\n`,
        );
        return;
      }
      if (gallery === undefined) {
        process.stdout.write(
          `${flags.gallery} does not exist yet; add people with \`facelab enroll <label> <images...>\`\n`,
        );
        return;
      }
      process.stdout.write(
        `${flags.gallery}: ${count(labels.length, 'person', 'people')}, ${count(gallery.size, 'photo', 'photos')}, model ${gallery.model}\n`,
      );
      for (const { label, count } of labels)
        process.stdout.write(`${label}\t${count}\n`);
    });
  command
    .command('remove')
    .description('remove every photo of one person')
    .argument('<label>', 'name of the person')
    .option('--gallery <file>', 'gallery file', defaultGalleryPath())
    .action(async (label: string, flags: { gallery: string }) => {
      const gallery = await loadGallery(flags.gallery);
      const removed = gallery?.removeLabel(label) ?? 0;
      if (gallery === undefined || removed === 0) {
        process.stderr.write(
          `"${label}" is not in ${flags.gallery}; see \`facelab gallery list\`\n`,
        );
        process.exitCode = 1;
        return;
      }
      await saveGallery(gallery, flags.gallery);
      process.stdout.write(
        `removed ${removed} photo(s) of "${label}" from ${flags.gallery}\n`,
      );
    });
  return command;
}
