/**
 * Manage accounts from the command line (works whether or not the service is running):
 *   npm run user -- create --username NAME --role admin|editor|reviewer|organizer|liaison|department|supervisor [--department-id ID] [--display-name 名字] [--password-stdin]
 *   npm run user -- set-password --username NAME [--password-stdin]
 *   npm run user -- disable --username NAME
 *   npm run user -- list
 */
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../src/auth/roles';
import { createUser, listUsers, updateUser } from '../src/auth/service';
import { UserModel } from '../src/auth/models';
import { systemClock } from '../src/clock';
import { AppError } from '../src/errors';
import { readPassword, runScript } from './cli';

const usage = 'usage: npm run user -- create --username NAME --role ROLE [--department-id ID] [--display-name NAME] [--password-stdin] | set-password --username NAME | disable --username NAME | list';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    username: { type: 'string' },
    role: { type: 'string' },
    'display-name': { type: 'string' },
    'department-id': { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
  },
});

async function findId(username: string | undefined): Promise<string> {
  if (!username) throw new Error(`--username is required\n${usage}`);
  const user = await UserModel.findOne({ username: username.toLowerCase() }).lean();
  if (!user) throw new Error(`no user named ${username}`);
  return String(user._id);
}

void runScript(async () => {
  const command = positionals[0];
  try {
    switch (command) {
      case 'create': {
        if (!values.username) throw new Error(`--username is required\n${usage}`);
        if (!ROLES.includes(values.role as Role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
        const password = await readPassword(values['password-stdin']!);
        const departmentId = values['department-id'];
        if (departmentId !== undefined && !/^[0-9a-f]{24}$/i.test(departmentId)) throw new Error('--department-id must be a 24-character hexadecimal id');
        const user = await createUser(
          { username: values.username, password, role: values.role as Role, displayName: values['display-name'], departmentId },
          systemClock.now(),
        );
        console.log(`created ${user.role} ${user.username} (${user.id})`);
        break;
      }
      case 'set-password': {
        const id = await findId(values.username);
        await updateUser(id, { password: await readPassword(values['password-stdin']!, 'New password: ') }, systemClock.now());
        console.log(`password changed for ${values.username}; their sessions were ended`);
        break;
      }
      case 'disable': {
        await updateUser(await findId(values.username), { disabled: true }, systemClock.now());
        console.log(`disabled ${values.username}`);
        break;
      }
      case 'list':
        for (const u of await listUsers()) console.log(`${u.username}\t${u.role}\t${u.displayName}${u.disabled ? '\t(disabled)' : ''}`);
        break;
      default:
        throw new Error(usage);
    }
  } catch (err) {
    // Service errors carry a readable message and field details; show them without a stack.
    if (err instanceof AppError) throw new Error(`${err.message}${err.details ? ` ${JSON.stringify(err.details)}` : ''}`);
    throw err;
  }
});
