import { Command } from 'commander';

import { count } from '../../output/count';

import { loadGallery, saveGallery } from '../../prediction/gallery-file';
import { defaultGalleryPath } from '../context';

/** `facelab gallery`: lists the people in a gallery file, or removes one. */
export function galleryCommand(): Command {
  const command = new Command('gallery').description(
    'list the people in the gallery, or remove one',
  );
  command
    .command('list', { isDefault: true })
    .description('list each person and the number of enrolled photos')
    .option('--gallery <file>', 'gallery file', defaultGalleryPath())
    .option('--json', 'print as JSON')
    .action(async (flags: { gallery: string; json?: boolean }) => {
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
